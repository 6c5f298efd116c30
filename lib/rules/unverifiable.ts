import { listPaths } from './coverage';
import { coverage } from './coverage';
import { roleCredentialIssues } from './credentials-role-cannot-invoke';
import { RuleDefinition, RuleFinding } from './rule';

export const Unverifiable: RuleDefinition = {
  id: 'ApiGwLambda-Unverifiable',
  defaultSeverity: 'warning',
  summary: 'A target or grant cannot be decided statically; the message says what to check by hand.',
  rationale: 'An imported function from another account or an unknown environment, an unresolved stage variable, an '
    + 'OpenAPI body in S3 or a token that resolves to nothing known cannot be checked here; the checker says so instead '
    + 'of passing silently.',
  fixable: false,
  plansFixes: false,
  check: (facts) => {
    const out: RuleFinding[] = [];
    for (const i of coverage(facts)) {
      if (i.rule !== 'Unverifiable') continue;
      out.push({
        site: i.invocation.site,
        message: `${i.invocation.description} of API ${i.invocation.api.label} cannot be verified: ${i.details.join('; ')} `
          + `(${listPaths(i.paths)}). Check by hand that the function it invokes lets apigateway.amazonaws.com invoke it from this API.`,
      });
    }
    // Credentials roles (or their functions) outside the app: semantics.md §0 mode B, C50.
    for (const i of roleCredentialIssues(facts)) {
      if (i.kind === 'unverifiable') out.push({ site: i.site, message: i.message });
    }
    for (const u of facts.unknowables) {
      out.push({ site: u.site, message: `Cannot verify: ${u.what}. ${capitalize(u.check)}.` });
    }
    const grants = facts.grants;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      if (g.ref || g.principal === 'other') continue;
      out.push({
        site: g.site,
        message: `Cannot tell which function ${g.site.logicalId} grants API Gateway access to: ${g.refProblem}. Check its FunctionName by hand.`,
      });
    }
    return out;
  },
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

import type { Facts } from '../facts/build';
import { refKey, refLabel } from '../facts/function-ref';
import { statementLabel } from '../facts/grants';
import { CoverageIssue, CoverageRule, coverage, matchingDenies, suggestedSourceArn } from './coverage';
import { ResourcePolicies, resourcePolicies } from './grant-index';
import { RuleFinding } from './rule';

/** A coverage rule's message: what is wrong, then the one imperative sentence saying what to do. */
export interface CoverageMessage {
  readonly problem: string;
  readonly fix: string;
}

/** Turns the shared coverage analysis into the findings of one precedence step. */
export function coverageFindings(facts: Facts, rule: CoverageRule, message: (i: CoverageIssue) => CoverageMessage, fixable: boolean): RuleFinding[] {
  const issues = coverage(facts).filter((i) => i.rule === rule);
  if (issues.length === 0) return [];
  const policies = resourcePolicies(facts);
  return issues.map((i) => {
    const m = message(i);
    // An AWS::Lambda::ResourcePolicy on the invoked reference replaces its whole policy (PutResourcePolicy,
    // §6.9, C58), so an AWS::Lambda::Permission that fix mode added beside it could be overwritten, and an
    // explicit Deny in it (C59) defeats any Allow anyway. Such a finding plans no fix: fix mode adds
    // nothing and claims nothing fixed, and the message says what the user must change in the document,
    // which fix mode never rewrites.
    const rp = i.ref && policies.size ? policies.get(refKey(i.ref)) : undefined;
    if (rp) return { site: i.invocation.site, message: `${m.problem} ${policyAdvice(facts, i, rp)}` };
    return {
      site: i.invocation.site,
      message: `${m.problem} ${m.fix}`,
      fix: fixable && i.ref ? { kind: 'add-permission', invocation: i.invocation, ref: i.ref, paths: i.paths } : undefined,
    };
  });
}

/** What to change in the ResourcePolicy that sets the invoked reference's policy: remove the Denies, add the Allow. */
function policyAdvice(facts: Facts, i: CoverageIssue, rp: ResourcePolicies): string {
  const ref = i.ref!;
  const where = `AWS::Lambda::ResourcePolicy ${rp.sites.map((s) => s.logicalId).join(', ')}`;
  const { denies, open } = matchingDenies(facts, ref, i.paths);
  // A GrantMismatch path no Deny matches has an Allow that can never apply: it needs a good one too.
  const needsAllow = i.rule !== 'GrantMismatch' || open.length > 0;
  const allow = `an Allow statement for apigateway.amazonaws.com (Action lambda:InvokeFunction, SourceArn `
    + `${suggestedSourceArn((open[0] ?? i.paths[0]))}) to the PolicyDocument of ${where}`;
  const why = `it replaces the whole resource policy of ${refLabel(ref)}, so an AWS::Lambda::Permission added beside it would be `
    + 'overwritten, and fix mode does not rewrite it';
  if (!denies.length) return `Add ${allow}: ${why}.`;
  const deny = `Remove or narrow the explicit Deny in ${denies.map((g) => statementLabel(facts.ev, g)).join(', ')}`;
  if (!needsAllow) {
    return `${deny}: an explicit Deny overrides every Allow, so no grant can let API Gateway in while it matches, and fix mode `
      + `does not edit ${where}.`;
  }
  return `${deny}, which overrides every Allow, and add ${allow}: ${why}.`;
}

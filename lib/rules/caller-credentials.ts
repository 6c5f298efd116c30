import type { Facts } from '../facts/build';
import { apiArnOf } from '../facts/build-context';
import { FunctionRef, refLabel } from '../facts/function-ref';
import { Decision, IamPrincipal, IamStatement, iamArnMatch, iamFacts, iamStatementLabel } from '../facts/iam';
import { Invocation } from '../facts/model';
import { credentialsSite, groupByRef, roleGrantPlan } from './credentials-role-cannot-invoke';
import { listPaths } from './coverage';
import { RuleDefinition, RuleFinding } from './rule';

const ISSUE = 'aws-cdk#9617';

export const CallerCredentials: RuleDefinition = {
  id: 'ApiGwLambda-CallerCredentials',
  defaultSeverity: 'warning',
  summary: 'An integration passes the caller\'s identity through (Credentials arn:aws:iam::*:user/*): every caller identity '
    + 'needs lambda:InvokeFunction on the function as well as execute-api:Invoke on the API.',
  rationale: 'With caller passthrough (CDK credentialsPassthrough: true) Lambda sees the IAM identity that signed the request, '
    + 'not API Gateway, so the function\'s resource policy for apigateway.amazonaws.com is irrelevant and each caller\'s own '
    + `policies must allow lambda:InvokeFunction on the invoked reference (${ISSUE}). `
    + 'Error when the method is not AWS_IAM-authorized (there is no caller identity to pass) or when a role or user defined '
    + 'in the app has execute-api:Invoke on the method but no lambda:InvokeFunction. No finding only when at least one app-defined role or user '
    + 'can call the method and every such caller has the grant; when no app-defined caller is visible the callers are '
    + 'outside the app and a warning asks for a manual check. Fix mode adds the grant to caller roles defined in the app.',
  fixable: true,
  plansFixes: true,
  check: (facts) => {
    const out: RuleFinding[] = [];
    for (const inv of facts.invocations) {
      if (inv.credentials.mode === 'caller') out.push(...checkInvocation(facts, inv));
    }
    return out;
  },
};

function checkInvocation(facts: Facts, inv: Invocation): RuleFinding[] {
  const site = credentialsSite(inv);
  const name = `${inv.description} of API ${inv.api.label}`;
  const head = `${name} passes the caller's identity through (Credentials arn:aws:iam::*:user/*)`;
  if (inv.kind === 'authorizer') {
    return [{
      site, severity: 'error',
      message: `${name} sets caller-passthrough credentials (arn:aws:iam::*:user/*), which an authorizer cannot use: authorizer `
        + 'credentials must be a role ARN, or absent so that the function\'s resource policy applies.',
    }];
  }
  const notIam = [...new Set(inv.authorizationTypes.filter((t) => t !== 'AWS_IAM'))];
  if (notIam.length) {
    return [{
      site, severity: 'error',
      message: `${head}, but its authorization type is ${notIam.join(', ')}, not AWS_IAM: requests are not IAM-signed, so there is no `
        + 'caller identity that could hold lambda:InvokeFunction and every call fails with "Invalid permissions on Lambda function". '
        + 'Set authorizationType AWS_IAM, or drop credentialsPassthrough and use the function\'s resource policy or a credentials role.',
    }];
  }
  const iam = iamFacts(facts);
  const groups = groupByRef(inv.paths);
  const refs = groups.flatMap((g) => (g.ref ? [g.ref] : []));
  const unresolved = groups.filter((g) => !g.ref).map((g) => g.unresolved!);
  // execute-api:Invoke names the API in its own region, even when the SourceArns carry a function's other region (§2.1).
  const arns = inv.paths.filter((p) => p.arn.length > 0).map((p) => apiArnOf(inv.api, p.arn));
  const callers = iam.executeApiCallers.filter((p) =>
    iam.decide(p, 'execute-api:Invoke', (pattern) => arns.some((arn) => iamArnMatch(pattern, arn))).allowed);
  const out: RuleFinding[] = [];
  const unknown: string[] = [];
  for (const caller of callers) {
    const decisions = refs.map((ref) => ({ ref, decision: iam.decide(caller, 'lambda:InvokeFunction', iam.functionMatcher(ref)) }));
    // Allowed, unless a Deny whose condition is not decided here applies to the call.
    const maybeDenied = decisions.filter((m) => m.decision.allowed && m.decision.conditionalDenies.length);
    if (maybeDenied.length) {
      unknown.push(`${caller.kind} ${caller.label} (a Deny with a condition, in `
        + `${[...new Set(maybeDenied.flatMap((m) => m.decision.conditionalDenies.map(iamStatementLabel)))].join(', ')}, may apply)`);
    }
    const missing = decisions.filter((m) => !m.decision.allowed);
    if (!missing.length) continue;
    // A matching explicit Deny decides the call whatever the unreadable policies allow.
    const denied = missing.filter((m) => m.decision.denies.length);
    for (const m of denied) out.push(deniedGrant(inv, site, head, caller, m.ref, m.decision.denies));
    if (denied.length === missing.length) continue;
    if (caller.opaquePolicies.length) {
      unknown.push(`${caller.kind} ${caller.label} (has ${caller.opaquePolicies.join(', ')})`);
      continue;
    }
    for (const m of missing) if (!m.decision.denies.length) out.push(missingGrant(inv, site, head, caller, m.ref, m.decision));
  }
  const refText = refs.map(refLabel).join(', ') || 'the function';
  const notes: string[] = [];
  if (callers.length === 0) {
    notes.push('no role or user defined in this app has execute-api:Invoke on it, so its callers are outside the app');
  }
  if (unknown.length) notes.push(`the app-defined callers ${unknown.join(', ')} have policies that cannot be decided here`);
  if (unresolved.length) notes.push(`the invoked function cannot be resolved: ${[...new Set(unresolved)].join('; ')}`);
  if (notes.length) {
    out.push({
      site, severity: 'warning',
      message: `${head}: every caller needs lambda:InvokeFunction on ${refText} in addition to execute-api:Invoke (${ISSUE}), but `
        + `${notes.join('; ')}. Check the callers' IAM policies by hand (callers in another account also need a resource-policy `
        + 'statement on the function).',
    });
  }
  return out;
}

/**
 * An explicit Deny in the caller's policies matches: no grant can help, so none is planned (fix mode
 * would add an Allow the Deny overrides and report it fixed); the message names the Deny instead.
 */
function deniedGrant(inv: Invocation, site: RuleFinding['site'], head: string, caller: IamPrincipal, ref: FunctionRef,
  denies: readonly IamStatement[]): RuleFinding {
  return {
    site, severity: 'error',
    message: `${head}, and ${caller.kind} ${caller.label} may call it (execute-api:Invoke) but an explicit Deny in `
      + `${denies.map(iamStatementLabel).join(', ')} matches lambda:InvokeFunction on ${refLabel(ref)}; an explicit Deny overrides every `
      + `Allow, so its requests fail with "Invalid permissions on Lambda function" (${ISSUE}; ${listPaths(inv.paths, 3)}). Remove or `
      + `narrow that Deny statement (fix mode does not edit the ${caller.kind}'s policies).`,
  };
}

function missingGrant(inv: Invocation, site: RuleFinding['site'], head: string, caller: IamPrincipal, ref: FunctionRef,
  decision: Decision): RuleFinding {
  const target = ref.qualifierLabel ? `the ARN qualified with ':${ref.qualifierLabel}'` : 'the unqualified function ARN';
  // Granted, but the permissions boundary does not allow it: only the boundary is left (fix mode never edits it).
  const granted = decision.allows.length > 0;
  const boundary = decision.boundaryBlocks ? `allow it in the ${caller.kind}'s permissions boundary` : '';
  const how = granted ? boundary : `${caller.kind === 'role'
    ? (ref.qualifierLabel ? 'alias.grantInvoke(role)' : 'fn.grantInvoke(role)')
    : (ref.qualifierLabel ? 'alias.grantInvoke(user)' : 'fn.grantInvoke(user)')}${boundary ? `, and ${boundary}` : ''}`;
  return {
    site, severity: 'error',
    message: `${head}, and ${caller.kind} ${caller.label} may call it (execute-api:Invoke) but is not allowed lambda:InvokeFunction `
      + `on ${refLabel(ref)} (${target}${decision.boundaryBlocks ? `; its permissions boundary does not allow it` : ''}); its requests fail `
      + `with "Invalid permissions on Lambda function" (${ISSUE}; ${listPaths(inv.paths, 3)}). Fix: ${how}.`,
    fix: caller.kind === 'role' ? roleGrantPlan(decision, inv, ref, inv.paths, caller.site) : undefined,
  };
}

import type { Facts } from '../facts/build';
import { FunctionRef, refKey, refLabel } from '../facts/function-ref';
import { Decision, IamPrincipal, iamFacts, iamStatementLabel } from '../facts/iam';
import { Invocation, InvocationPath, Site } from '../facts/model';
import { literalOf } from '../facts/value';
import { covers, listPaths } from './coverage';
import { FixPlan, RuleDefinition, RuleFinding } from './rule';

/** A finding about an integration/authorizer that calls Lambda as a role (semantics.md §0 mode B). */
export interface RoleCredentialIssue {
  /** `unverifiable` is reported by ApiGwLambda-Unverifiable (role or function outside the app). */
  readonly kind: 'cannot-invoke' | 'unverifiable';
  readonly site: Site;
  readonly message: string;
  readonly fix?: FixPlan;
}

const memo = new WeakMap<Facts, RoleCredentialIssue[]>();

/** Mode-B analysis of every invocation with a credentials role, computed once and shared with Unverifiable. */
export function roleCredentialIssues(facts: Facts): RoleCredentialIssue[] {
  let r = memo.get(facts);
  if (!r) memo.set(facts, (r = compute(facts)));
  return r;
}

export const CredentialsRoleCannotInvoke: RuleDefinition = {
  id: 'ApiGwLambda-CredentialsRoleCannotInvoke',
  defaultSeverity: 'error',
  summary: 'An integration or authorizer calls Lambda through a credentials role that API Gateway cannot assume, '
    + 'or that has no lambda:InvokeFunction on the exact function reference it invokes.',
  rationale: 'With Credentials / CredentialsArn / AuthorizerCredentials set to a role ARN, API Gateway assumes that role and '
    + 'calls Lambda as the role; the function\'s resource policy is not used. The role\'s trust policy must let '
    + 'apigateway.amazonaws.com call sts:AssumeRole and its policies must allow lambda:InvokeFunction on the invoked ARN, '
    + 'qualifier included (`arn` does not cover `arn:live`; `arn:*` covers qualified ARNs only). CDK\'s '
    + 'LambdaIntegration({ credentialsRole }) adds only a resource-policy statement, which this mode ignores, and never '
    + 'grants the role. Fix mode adds the grant to roles defined in the app.',
  fixable: true,
  plansFixes: true,
  check: (facts) => roleCredentialIssues(facts)
    .filter((i) => i.kind === 'cannot-invoke')
    .map((i): RuleFinding => ({ site: i.site, message: i.message, fix: i.fix })),
};

function compute(facts: Facts): RoleCredentialIssue[] {
  const out: RoleCredentialIssue[] = [];
  for (const inv of facts.invocations) {
    if (inv.credentials.mode !== 'role') continue;
    const iam = iamFacts(facts); // built on first use only: most apps have no credentials roles
    const site = credentialsSite(inv);
    const lookup = iam.resolveRole(inv.credentials.role);
    const groups = groupByRef(inv.paths);
    const head = `${inv.description} of API ${inv.api.label}`;
    for (const g of groups.filter((x) => !x.ref)) {
      out.push({
        kind: 'unverifiable', site,
        message: `${head} calls Lambda as role ${lookup.label}, but the invoked function cannot be resolved: ${g.unresolved} `
          + `(${listPaths(g.paths, 3)}). Check by hand that the role allows lambda:InvokeFunction on every function it can invoke.`,
      });
    }
    const resolved = groups.filter((x): x is Group & { ref: FunctionRef } => !!x.ref);
    if (resolved.length === 0) continue;
    if (!lookup.role) {
      out.push({ kind: 'unverifiable', site, message: externalRoleMessage(facts, inv, head, lookup.label, lookup.attachedByName, resolved) });
      continue;
    }
    const role = lookup.role;
    if (!iam.trustsApiGateway(role)) {
      const trusted = iam.trustedPrincipals(role);
      out.push({
        kind: 'cannot-invoke', site,
        message: `${head} uses credentials role ${role.label}, but its trust policy does not let apigateway.amazonaws.com `
          + `call sts:AssumeRole (it trusts ${trusted.length ? trusted.join(', ') : 'no service'}), so every call fails with `
          + '"API Gateway does not have permission to assume the provided role". Add apigateway.amazonaws.com to its trust policy '
          + `(e.g. assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com')), or use a role that trusts API Gateway.`,
      });
    }
    for (const g of resolved) {
      const issue = checkGrant(facts, inv, head, site, role, g.ref, g.paths);
      if (issue) out.push(issue);
    }
  }
  return out;
}

/** The role's identity policies (or a resource-policy statement naming it) must allow invoking `ref`. */
function checkGrant(facts: Facts, inv: Invocation, head: string, site: Site, role: IamPrincipal, ref: FunctionRef,
  paths: InvocationPath[]): RoleCredentialIssue | undefined {
  const iam = iamFacts(facts);
  const decision = iam.decide(role, 'lambda:InvokeFunction', iam.functionMatcher(ref));
  const fnAcct = ref.account ? literalOf(ref.account) : undefined;
  const roleAcct = literalOf(role.account);
  const crossAccount = !ref.definedIn && fnAcct !== undefined && roleAcct !== undefined && fnAcct !== roleAcct;
  if (decision.allowed && !crossAccount && decision.conditionalDenies.length) {
    // IAM conditions on a Deny (a negated operator matches when API Gateway's call lacks the key) are not decided here.
    return {
      kind: 'unverifiable', site,
      message: `${head} calls ${refLabel(ref)} as role ${role.label}, which is allowed lambda:InvokeFunction, but a Deny with a condition in `
        + `${decision.conditionalDenies.map(iamStatementLabel).join(', ')} matches that call; whether API Gateway's call meets the `
        + 'condition is not decided here (a negated operator such as StringNotEquals matches a key the call does not carry). Check it by hand.',
    };
  }
  if (decision.allowed && !crossAccount) return undefined;
  if (!decision.denies.length && !decision.boundaryBlocks && resourcePolicyNamesRole(facts, ref, role)) return undefined;
  const target = ref.qualifierLabel ? `the ARN qualified with ':${ref.qualifierLabel}'` : 'the unqualified function ARN';
  if (decision.allowed && crossAccount) {
    return {
      kind: 'unverifiable', site,
      message: `${head} calls ${refLabel(ref)} in account ${fnAcct} as role ${role.label} (account ${roleAcct}). Across accounts the `
        + 'function\'s resource policy must also allow the role; that policy is not in this app. Check it by hand.',
    };
  }
  if (decision.denies.length) return deniedIssue(head, site, role, ref, target, paths, decision);
  // Identity policies and the boundary must both allow the call. With the identity grant in place, only the
  // boundary is left, which fix mode never edits: no plan. Without it, the grant is planned but does not fix alone.
  const granted = decision.allows.length > 0;
  const why: string[] = [];
  if (decision.boundaryBlocks) why.push('its permissions boundary does not allow it');
  // Grants on another qualifier explain a miss only when nothing grants this one.
  const others = granted ? [] : iam.otherQualifierGrants(role, ref);
  if (others.length) {
    why.push(`it is granted ${others.join(', ')} only, which does not cover ${target} (grant both arn and arn:*, `
      + 'as fn.grantInvoke does)');
  }
  if (!decision.boundaryBlocks && role.opaquePolicies.length) {
    return {
      kind: 'unverifiable', site,
      message: `${head} calls ${refLabel(ref)} as role ${role.label}; no policy of the role visible in this app allows `
        + `lambda:InvokeFunction on ${target}, and it also has ${role.opaquePolicies.join(', ')}, which cannot be read here. `
        + 'Check by hand that one of them allows it, or grant it in the app (fn.grantInvoke(role)).',
    };
  }
  // Name the statement made for this very integration when there is one (it covers its paths).
  const statements = (facts.grantsByFunction.get(ref.fnKey) ?? []).filter((g) => g.ref && refKey(g.ref) === refKey(ref)
    && g.effect === 'Allow' && g.principal === 'apigateway');
  const useless = statements.find((g) => paths.some((p) => covers(g, p))) ?? statements[0];
  const cdkNote = useless
    ? ` The resource-policy statement ${useless.site.logicalId} for apigateway.amazonaws.com (CDK's LambdaIntegration adds it) is not `
      + 'used when the integration has credentials.'
    : '';
  const grantHint = granted
    ? 'allow lambda:InvokeFunction on it in the role\'s permissions boundary'
    : `${ref.qualifierLabel
      ? 'grant the role lambda:InvokeFunction on the alias/version ARN (alias.grantInvoke(role)) or on arn:*'
      : 'grant the role lambda:InvokeFunction on the function (fn.grantInvoke(role) grants arn and arn:*)'}`
      + `${decision.boundaryBlocks ? ', and allow it in the role\'s permissions boundary' : ''}`;
  return {
    kind: 'cannot-invoke', site,
    message: `${head} calls ${refLabel(ref)} as role ${role.label}, but the role is not allowed lambda:InvokeFunction on ${target}`
      + `${why.length ? ` (${why.join('; ')})` : ''} (${listPaths(paths, 3)}). API Gateway calls Lambda as this role, so calls fail with `
      + `"Invalid permissions on Lambda function".${cdkNote} Fix: ${grantHint}.`,
    fix: roleGrantPlan(decision, inv, ref, paths, role.site),
  };
}

/**
 * An explicit Deny in the role's policies matches the call: it is the cause, whatever the role is
 * granted (on any qualifier), so the message names it and no grant is planned. Fix mode would add an
 * Allow the Deny overrides, report it fixed, and leave a grant that takes effect the day the Deny is
 * lifted, against what the Deny says. The user removes or narrows the Deny; fix mode never edits it.
 */
function deniedIssue(head: string, site: Site, role: IamPrincipal, ref: FunctionRef, target: string, paths: InvocationPath[],
  decision: Decision): RoleCredentialIssue {
  const boundary = decision.boundaryBlocks ? ' (its permissions boundary does not allow the call either)' : '';
  return {
    kind: 'cannot-invoke', site,
    message: `${head} calls ${refLabel(ref)} as role ${role.label}, but an explicit Deny in ${decision.denies.map(iamStatementLabel).join(', ')} `
      + `matches lambda:InvokeFunction on ${target}${boundary} (${listPaths(paths, 3)}). An explicit Deny overrides every Allow, so calls `
      + 'fail with "Invalid permissions on Lambda function" whatever the role is granted. Remove or narrow that Deny statement, or use '
      + 'another credentials role (fix mode does not edit the role\'s policies).',
  };
}

/** A resource-policy statement naming the role as principal on the exact reference (same-account alternative, §0). */
function resourcePolicyNamesRole(facts: Facts, ref: FunctionRef, role: IamPrincipal): boolean {
  const iam = iamFacts(facts);
  return (facts.grantsByFunction.get(ref.fnKey) ?? []).some((g) => {
    if (g.source !== 'permission' || g.effect !== 'Allow' || g.principal !== 'other' || !g.invokes || g.blockers.length) return false;
    if (!g.ref || refKey(g.ref) !== refKey(ref)) return false;
    const raw = facts.ev.resource(g.site.stack, g.site.logicalId)?.Properties?.Principal;
    return iam.resolveRole(facts.ev.str(raw, g.site.stack)).role?.key === role.key;
  });
}

function externalRoleMessage(facts: Facts, inv: Invocation, head: string, label: string,
  attached: ReturnType<ReturnType<typeof iamFacts>['resolveRole']>['attachedByName'], groups: Array<{ ref: FunctionRef }>): string {
  const iam = iamFacts(facts);
  const refs = groups.map((g) => refLabel(g.ref)).join(', ');
  let seen = '';
  if (attached.length) {
    const allowed = groups.filter((g) => iam.decide({ statements: [...attached] }, 'lambda:InvokeFunction', iam.functionMatcher(g.ref)).allowed);
    const sources = [...new Set(attached.map((s) => s.source))].join(', ');
    seen = allowed.length === groups.length
      ? ` This app attaches ${sources} to it, which allows lambda:InvokeFunction on ${refs}; its trust policy is still unknown.`
      : ` This app attaches ${sources} to it, which does not allow lambda:InvokeFunction on ${groups.filter((g) => !allowed.includes(g)).map((g) => refLabel(g.ref)).join(', ')}.`;
  }
  const cdk = inv.kind === 'authorizer'
    ? ' (CDK\'s TokenAuthorizer/RequestAuthorizer grant nothing to an imported assumeRole.)'
    : '';
  return `${head} calls ${refs} as role ${label}, which is not defined in this app, so its trust policy and permissions cannot be `
    + `checked.${seen}${cdk} Check by hand that the role trusts apigateway.amazonaws.com (sts:AssumeRole) and allows `
    + `lambda:InvokeFunction on ${refs} (exact qualifier), or use a role defined in the app and grant it there.`;
}

interface Group {
  readonly ref?: FunctionRef;
  readonly unresolved?: string;
  readonly paths: InvocationPath[];
}

/** Paths grouped by invoked reference (stage variables may select different ones per stage). */
/**
 * The fix plan for a role that may not invoke `ref`: grant it, unless it is granted already (then only
 * its permissions boundary is left, which fix mode never edits). With a blocking boundary the grant is
 * still needed, but does not fix the call alone.
 */
export function roleGrantPlan(decision: Decision, inv: Invocation, ref: FunctionRef, paths: readonly InvocationPath[],
  role: Site | undefined): FixPlan | undefined {
  if (decision.allows.length > 0) return undefined;
  return {
    kind: 'grant-role', invocation: inv, ref, paths, role,
    stillBlockedBy: decision.boundaryBlocks ? 'the role\'s permissions boundary' : undefined,
  };
}

export function groupByRef(paths: readonly InvocationPath[]): Group[] {
  const groups = new Map<string, { ref?: FunctionRef; unresolved?: string; paths: InvocationPath[] }>();
  for (const p of paths) {
    const k = p.ref ? refKey(p.ref) : `?${p.unresolved}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ref: p.ref, unresolved: p.unresolved, paths: [] }));
    g.paths.push(p);
  }
  return [...groups.values()];
}

/** The credentials property of the integration or authorizer, where the finding is reported. */
export function credentialsSite(inv: Invocation): Site {
  const s = inv.site;
  switch (s.resourceType) {
    case 'AWS::ApiGateway::Method':
      return { ...s, propertyPath: 'Integration.Credentials' };
    case 'AWS::ApiGatewayV2::Integration':
      return { ...s, propertyPath: 'CredentialsArn' };
    case 'AWS::ApiGateway::Authorizer':
      return { ...s, propertyPath: 'AuthorizerCredentials' };
    case 'AWS::ApiGatewayV2::Authorizer':
      return { ...s, propertyPath: 'AuthorizerCredentialsArn' };
    default:
      // Quick create (`Target`) has CredentialsArn beside it.
      if (s.resourceType === 'AWS::ApiGatewayV2::Api' && s.propertyPath === 'Target') return { ...s, propertyPath: 'CredentialsArn' };
      // OpenAPI bodies: `…x-amazon-apigateway-integration.uri` → `.credentials`.
      return { ...s, propertyPath: s.propertyPath?.replace(/\.uri$/, '.credentials').replace(/\.authorizerUri$/, '.authorizerCredentials') };
  }
}

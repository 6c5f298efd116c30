import { apiSegment } from '../facts/arn-like';
import type { Facts } from '../facts/build';
import { isFunctionType } from '../facts/evaluate';
import { parseFunctionRef, refKey, refLabel } from '../facts/function-ref';
import { Grant, Site } from '../facts/model';
import { Atom, Sym, literalOf, renderSym, splitSym } from '../facts/value';
import { RuleDefinition, RuleFinding } from './rule';

/** Lambda's hard limit for one function/version/alias resource policy (semantics.md §6.8, [K-L-QUOTAS]). */
export const POLICY_LIMIT = 20480;
export const WARN_RATIO = 0.8;

/*
 * Size model. Lambda stores one statement per AddPermission (= per AWS::Lambda::Permission) in a
 * compact JSON document {"Version":"2012-10-17","Id":"default","Statement":[…]} and measures its
 * length. We render each statement as Lambda stores it (§6.1: Sid, Effect, Principal, Action,
 * Resource, Condition with "AWS:SourceArn"/"AWS:SourceAccount") with deploy-time values replaced by
 * values of realistic length: 12-digit account, `us-east-1`, 10-char API ids, function names as
 * CloudFormation generates them (`<stack>-<logicalId>-<12 random>`, at most 64 chars), Sid = the
 * permission's physical id (`<stack>-<logicalId>-<12 random>`, at most 100 chars).
 *
 * Calibration (test/rules/policy-size.test.ts prints and asserts these):
 * - aws-cdk#19535 (HTTP API, one statement per route, Sid "UserServiceStack-UserServiceAPIPUTjob…Permission1CBB1DA2-…"):
 *   a realistic statement renders to ~450 bytes, so the reported failure "final policy size (20937)" is ~46 route
 *   statements. The report's "around 30 routes" are addRoutes() paths with up to three methods each, and each method
 *   is its own HttpRoute with its own permission. 30 paths × [GET, POST, PUT] (90 statements) → ~41 KB: error.
 *   30 single-method routes → ~13.5 KB: no finding (that policy deploys).
 * - sample-autonomous-cloud-coding-agents#852: 31 REST method/function pairs × 2 statements (stage + test-invoke-stage)
 *   = 62 statements → ~29 KB: error. The threshold for REST defaults is ~22 methods (44 statements) for the error and
 *   ~18 for the 80 % warning.
 * - aws-cdk integ test restapi-books-example (10 permissions over 3 handlers, at most 4 on one): ~2 KB: no finding.
 */
export const SIZE_MODEL = {
  account: '123456789012',
  region: 'us-east-1',
  apiId: 10,
  authorizerId: 6,
  randomSuffix: 12,
  maxFunctionName: 64,
  maxSid: 100,
} as const;

export const PolicySizeLimit: RuleDefinition = {
  id: 'ApiGwLambda-PolicySizeLimit',
  defaultSeverity: 'error',
  summary: 'The estimated resource policy of one function, alias or version (one statement per AWS::Lambda::Permission on '
    + 'it) exceeds Lambda\'s 20,480-byte limit (error) or 80 % of it (warning).',
  rationale: 'Every CDK LambdaIntegration adds two statements per REST method (deployment stage and test-invoke-stage) and '
    + 'every HttpLambdaIntegration one per route; a function behind ~20 REST methods or ~45 HTTP routes overflows the '
    + '20 KB policy and the deployment fails with PolicyLengthExceededException. '
    + 'scopePermissionToMethod: false / scopePermissionToRoute: false replace them with one statement per API and stack. '
    + 'Fix mode consolidates the grants it adds itself; it never deletes yours.',
  fixable: true,
  plansFixes: false,
  check: (facts) => {
    const byRef = new Map<string, Grant[]>();
    const all = facts.grants;
    for (let i = 0; i < all.length; i++) {
      const g = all[i];
      if (g.source !== 'permission' || !g.ref) continue;
      const k = refKey(g.ref);
      let list = byRef.get(k);
      if (!list) byRef.set(k, (list = []));
      list.push(g);
    }
    const out: RuleFinding[] = [];
    let targets: Map<string, Site> | undefined;
    for (const [k, grants] of byRef) {
      const bytes = estimatePolicyBytes(facts, grants);
      if (bytes <= POLICY_LIMIT * WARN_RATIO) continue;
      targets ??= functionSites(facts);
      const ref = grants[0].ref!;
      const over = bytes > POLICY_LIMIT;
      out.push({
        site: targets.get(k) ?? { ...grants[0].site, propertyPath: undefined },
        severity: over ? 'error' : 'warning',
        message: `The resource policy of ${refLabel(ref)} is estimated at ${fmt(bytes)} bytes from ${grants.length} statements `
          + `(${Math.round((bytes / POLICY_LIMIT) * 100)} % of Lambda's ${fmt(POLICY_LIMIT)}-byte limit): ${breakdown(facts, grants)}. `
          + (over
            ? 'Deployment fails with PolicyLengthExceededException ("The final policy size (…) is bigger than the limit (20480)"). '
            : 'A few more methods or routes on this function will make deployment fail with PolicyLengthExceededException. ')
          + 'Consolidate the grants: new LambdaIntegration(fn, { scopePermissionToMethod: false }) (REST) or '
          + 'new HttpLambdaIntegration(id, fn, { scopePermissionToRoute: false }) (HTTP) add one statement per API and stack '
          + 'instead of one or two per method/route; for a function shared across stacks, grant each API once yourself '
          + '(fn.addPermission with SourceArn api.arnForExecuteApi()); fix mode consolidates the grants it adds.',
      });
    }
    return out;
  },
};

/** Bytes of the compact policy document Lambda would store for these Permission statements. */
export function estimatePolicyBytes(facts: Facts, grants: readonly Grant[]): number {
  const header = '{"Version":"2012-10-17","Id":"default","Statement":[]}'.length;
  // The statements of one reference name the same function ARN: measure it once per reference.
  const resources = new Map<string, number>();
  let statements = 0;
  for (let i = 0; i < grants.length; i++) statements += statementBytes(facts, grants[i], resources);
  return header + statements + Math.max(0, grants.length - 1);
}

/**
 * `Buffer.byteLength(JSON.stringify(renderStatement(facts, g)))`, summed field by field instead of
 * rendered: a large app has tens of thousands of statements and only their total length matters.
 */
export function statementBytes(facts: Facts, g: Grant, resources?: Map<string, number>): number {
  // No closures here: this runs once per permission of the app, and a closure would cost each call a context.
  const ev = facts.ev;
  const stack = g.site.stack;
  const p = ev.resource(stack, g.site.logicalId)?.Properties ?? {};
  // A permission's grant holds its SourceArn/SourceAccount already evaluated (grants.ts).
  const own = g.source === 'permission';
  const principal = typeof p.Principal === 'string' ? p.Principal : concrete(facts, ev.str(p.Principal, stack));
  let n = '{"Sid":'.length + 2 + physicalIdLength(facts, stack, g.site.logicalId, SIZE_MODEL.maxSid)
    + ',"Effect":"Allow"'.length + ',"Principal":'.length;
  if (principal === '*') n += 3;
  else if (/^\d{12}$/.test(principal)) n += '{"AWS":"arn:aws:iam:::root"}'.length + 12;
  else n += (principal.startsWith('arn:') ? '{"AWS":}' : '{"Service":}').length + jsonStringBytes(principal);
  const action = exprBytes(facts, p.Action, stack);
  n += ',"Action":'.length + (action === 2 ? '"lambda:InvokeFunction"'.length : action);
  const k = refKey(g.ref!);
  let resource = resources?.get(k);
  if (resource === undefined) {
    resource = functionArnBytes(facts, g);
    resources?.set(k, resource);
  }
  n += ',"Resource":'.length + resource;
  let equals = 0;
  if (p.SourceAccount !== undefined) {
    equals += 'AWS:SourceAccount'.length + 3
      + (own && g.sourceAccount ? concreteBytes(facts, g.sourceAccount) : exprBytes(facts, p.SourceAccount, stack));
  }
  if (p.PrincipalOrgID !== undefined) equals += (equals ? 1 : 0) + 'aws:PrincipalOrgID'.length + 3 + exprBytes(facts, p.PrincipalOrgID, stack);
  if (p.FunctionUrlAuthType !== undefined) {
    equals += (equals ? 1 : 0) + 'lambda:FunctionUrlAuthType'.length + 3 + exprBytes(facts, p.FunctionUrlAuthType, stack);
  }
  if (p.EventSourceToken !== undefined) {
    equals += (equals ? 1 : 0) + 'lambda:EventSourceToken'.length + 3 + exprBytes(facts, p.EventSourceToken, stack);
  }
  let condition = equals ? '"StringEquals":{}'.length + equals : 0;
  if (p.SourceArn !== undefined) {
    const arn = own && g.sourceArns ? concreteBytes(facts, g.sourceArns[0]) : exprBytes(facts, p.SourceArn, stack);
    condition += (condition ? 1 : 0) + '"ArnLike":{"AWS:SourceArn":}'.length + arn;
  }
  if (condition) n += ',"Condition":{}'.length + condition;
  return n + 1;
}

/** `concreteBytes(facts, facts.ev.str(v, stack))`; a plain string (the usual Action) is measured as it is. */
function exprBytes(facts: Facts, v: any, stack: string): number {
  return typeof v === 'string' ? jsonStringBytes(v) : concreteBytes(facts, facts.ev.str(v, stack));
}

/** Bytes of a string as a JSON string literal (quotes included). */
function jsonStringBytes(s: string): number {
  return PLAIN_JSON.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');
}

/** Printable ASCII that JSON does not escape: one byte per character. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The statement as Lambda stores it (semantics.md §6.1), with realistic stand-ins for deploy-time values. */
export function renderStatement(facts: Facts, g: Grant): Record<string, unknown> {
  const ev = facts.ev;
  const p = ev.resource(g.site.stack, g.site.logicalId)?.Properties ?? {};
  const text = (v: any) => concrete(facts, ev.str(v, g.site.stack));
  const principal = text(p.Principal);
  const condition: Record<string, Record<string, string>> = {};
  const equals: Record<string, string> = {};
  if (p.SourceAccount !== undefined) equals['AWS:SourceAccount'] = text(p.SourceAccount);
  if (p.PrincipalOrgID !== undefined) equals['aws:PrincipalOrgID'] = text(p.PrincipalOrgID);
  if (p.FunctionUrlAuthType !== undefined) equals['lambda:FunctionUrlAuthType'] = text(p.FunctionUrlAuthType);
  if (p.EventSourceToken !== undefined) equals['lambda:EventSourceToken'] = text(p.EventSourceToken);
  if (Object.keys(equals).length) condition.StringEquals = equals;
  if (p.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': text(p.SourceArn) };
  return {
    Sid: 'x'.repeat(physicalIdLength(facts, g.site.stack, g.site.logicalId, SIZE_MODEL.maxSid)),
    Effect: 'Allow',
    Principal: principal === '*' ? '*'
      : /^\d{12}$/.test(principal) ? { AWS: `arn:aws:iam::${principal}:root` }
        : principal.startsWith('arn:') ? { AWS: principal } : { Service: principal },
    Action: text(p.Action) || 'lambda:InvokeFunction',
    Resource: functionArnText(facts, g),
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

function functionArnText(facts: Facts, g: Grant): string {
  const { name, qualifier } = functionArnParts(facts, g);
  return `${FUNCTION_ARN_PREFIX}${typeof name === 'string' ? name : 'f'.repeat(name)}${qualifier}`;
}

/** `jsonStringBytes(functionArnText(facts, g))` without building the repeated stand-in. */
function functionArnBytes(facts: Facts, g: Grant): number {
  const { name, qualifier } = functionArnParts(facts, g);
  if (typeof name === 'number') return jsonStringBytes(qualifier) + FUNCTION_ARN_PREFIX.length + name;
  return jsonStringBytes(`${FUNCTION_ARN_PREFIX}${name}${qualifier}`);
}

const FUNCTION_ARN_PREFIX = `arn:aws:lambda:${SIZE_MODEL.region}:${SIZE_MODEL.account}:function:`;

/** The function name (or the length of its `f…` stand-in) and the `:qualifier` suffix of the statement's Resource. */
function functionArnParts(facts: Facts, g: Grant): { name: string | number; qualifier: string } {
  const ref = g.ref!;
  let name: string | number;
  if (ref.definedIn) {
    const r = facts.ev.resource(ref.definedIn.stack, ref.definedIn.logicalId);
    name = facts.ev.literal(r?.Properties?.FunctionName, ref.definedIn.stack)
      || physicalIdLength(facts, ref.definedIn.stack, ref.definedIn.logicalId, SIZE_MODEL.maxFunctionName);
  } else {
    name = ref.fnKey.startsWith('name:') ? ref.fnKey.slice('name:'.length) : SIZE_MODEL.maxFunctionName;
  }
  const qualifier = ref.qualifierKey === '' ? '' : `:${literalOf(splitSym(ref.value, ':').pop() ?? []) ?? '1'}`;
  return { name, qualifier };
}

/** CloudFormation-generated physical id: `<stack name>-<logical id>-<random>`, capped at `max`. */
function physicalIdLength(facts: Facts, stack: string, logicalId: string, max: number): number {
  return Math.min(max, stackNameLength(facts, stack) + 1 + logicalId.length + 1 + SIZE_MODEL.randomSuffix);
}

const stackNameLengths = new WeakMap<Facts, Map<string, number>>();

function stackNameLength(facts: Facts, stack: string): number {
  let m = stackNameLengths.get(facts);
  if (!m) stackNameLengths.set(facts, (m = new Map()));
  let n = m.get(stack);
  if (n === undefined) {
    n = ((facts.stack(stack)?.displayName ?? stack).split('/').pop() ?? stack).length;
    m.set(stack, n);
  }
  return n;
}

/** A value with each deploy-time part replaced by a stand-in of realistic length. */
function concrete(facts: Facts, v: Sym): string {
  if (v.length === 1 && typeof v[0] === 'string') return v[0];
  return v.map((part) => (typeof part === 'string' ? part : standIn(facts, part, true) as string)).join('');
}

/** `jsonStringBytes(concrete(facts, v))`; stand-ins are plain ASCII, so only literal parts need a look. */
function concreteBytes(facts: Facts, v: Sym): number {
  if (v.length === 1 && typeof v[0] === 'string') return jsonStringBytes(v[0]);
  let n = 2;
  for (let i = 0; i < v.length; i++) {
    const part = v[i];
    if (typeof part !== 'string') n += standIn(facts, part, false) as number;
    else if (PLAIN_JSON.test(part)) n += part.length;
    // Escapes and multi-byte characters: measure the whole text, as Lambda would see it.
    else return jsonStringBytes(concrete(facts, v));
  }
  return n;
}

/** The stand-in for an atom (`text`) or its length. */
function standIn(facts: Facts, part: Atom, text: boolean): string | number {
  switch (part.kind) {
    case 'pseudo':
      if (part.name === 'AWS::Partition') return text ? 'aws' : 3;
      if (part.name === 'AWS::Region') return text ? SIZE_MODEL.region : SIZE_MODEL.region.length;
      if (part.name === 'AWS::AccountId') return text ? SIZE_MODEL.account : SIZE_MODEL.account.length;
      if (part.name === 'AWS::URLSuffix') return text ? 'amazonaws.com' : 'amazonaws.com'.length;
      return rep('x', 20, text);
    case 'res': {
      const type = facts.ev.resource(part.stack, part.logicalId)?.Type;
      if (type === 'AWS::ApiGateway::RestApi' || type === 'AWS::ApiGatewayV2::Api') return rep('a', SIZE_MODEL.apiId, text);
      if (type === 'AWS::ApiGateway::Authorizer' || type === 'AWS::ApiGatewayV2::Authorizer') return rep('b', SIZE_MODEL.authorizerId, text);
      if (type === 'AWS::Lambda::Version') return text ? '1' : 1;
      if (isFunctionType(type)) return rep('f', physicalIdLength(facts, part.stack, part.logicalId, SIZE_MODEL.maxFunctionName), text);
      return rep('x', 20, text);
    }
    case 'sample':
      return text ? '*' : 1;
    default:
      return rep('x', 20, text);
  }
}

/** `n` times `c`, or just `n` (a function of its own: a closure in `standIn` would cost each call a context). */
function rep(c: string, n: number, text: boolean): string | number {
  return text ? c.repeat(n) : n;
}

/** `40 for API Api (stack A), 2 for principal s3.amazonaws.com (stack A)`. */
function breakdown(facts: Facts, grants: readonly Grant[]): string {
  const counts = new Map<string, number>();
  for (const g of grants) {
    const stack = facts.stack(g.site.stack)?.displayName ?? g.site.stack;
    const k = `${sourceLabel(facts, g)} (stack ${stack})`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} for ${k}`).join(', ');
}

function sourceLabel(facts: Facts, g: Grant): string {
  if (g.principal !== 'apigateway') return `principal ${g.principalText}`;
  const arn = g.sourceArns?.[0];
  if (!arn) return 'API Gateway without SourceArn';
  const head = apiSegment(arn);
  const api = facts.apis.get(head?.key ?? '');
  if (api) return `API ${api.label}`;
  return `API ${renderSym(head?.seg ?? []) || '?'}`;
}

/** Where to report: the function, alias or version resource of each reference defined in the app. */
function functionSites(facts: Facts): Map<string, Site> {
  const out = new Map<string, Site>();
  const add = (type: string, expr: (id: string) => any) => {
    for (const { stack, id } of facts.resources(type)) {
      const parsed = parseFunctionRef(facts.ev.str(expr(id), stack), facts.ev, facts.physicalNames);
      if (parsed.ok) out.set(refKey(parsed.ref), { stack, logicalId: id, resourceType: type });
    }
  };
  add('AWS::Lambda::Function', (id) => ({ Ref: id }));
  add('AWS::Serverless::Function', (id) => ({ Ref: id }));
  add('AWS::Lambda::Alias', (id) => ({ Ref: id }));
  add('AWS::Lambda::Version', (id) => ({ Ref: id }));
  return out;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

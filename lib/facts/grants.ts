import type { Facts } from './build';
import type { Res } from './facts';
import { ABSENT, OpenCondition, resourceCondition } from './conditions';
import { Evaluator } from './evaluate';
import { PhysicalNames, parseFunctionRef } from './function-ref';
import { Grant, Principal, Site } from './model';
import { actionInvokes, classifyPrincipal, principalValues } from './policy-terms';
import { isIntrinsicKey } from './template';
import { Sym, renderSym } from './value';

const APIGW = 'apigateway.amazonaws.com';

/** Statements of `AWS::Lambda::Permission` and `AWS::Lambda::ResourcePolicy` resources (§6.1-§6.9). */
export function extractGrants(facts: Facts, ev: Evaluator, names: PhysicalNames): Grant[] {
  const out: Grant[] = [];
  const permissions = facts.resources('AWS::Lambda::Permission');
  for (let i = 0; i < permissions.length; i++) out.push(permissionGrant(permissions[i], ev, names));
  for (const { stack, id, r } of facts.resources('AWS::Lambda::ResourcePolicy')) {
    const p = r.Properties ?? {};
    const site: Site = { stack, logicalId: id, resourceType: r.Type };
    const target = parseFunctionRef(ev.str(p.ResourceArn, stack), ev, names);
    const condition = openCondition(ev, stack, r);
    const sts = statements(p.PolicyDocument, ev, stack);
    if (!sts) {
      // Never a silent pass: the policy replaces the function's whole policy, so its content matters (§6.9).
      facts.unknowables.push({
        site: { ...site, propertyPath: 'PolicyDocument' },
        what: `the PolicyDocument of ${id} is not a literal policy`,
        check: 'check by hand that it allows apigateway.amazonaws.com to invoke the function from each API that integrates it',
      });
      continue;
    }
    for (const [i, st] of sts.entries()) {
      out.push(policyStatementGrant(st, { ...site, propertyPath: `PolicyDocument.Statement.${i}` }, target, ev, stack, condition));
    }
  }
  return out;
}

/** The grant of one `AWS::Lambda::Permission` (§6.1-§6.4). */
export function permissionGrant(res: Res, ev: Evaluator, names: PhysicalNames): Grant {
  const { stack, id, r } = res;
  const p = r.Properties ?? {};
  const site: Site = { stack, logicalId: id, resourceType: r.Type };
  const target = parseFunctionRef(ev.str(p.FunctionName, stack), ev, names);
  const principalText = text(ev, p.Principal, stack);
  const actionText = text(ev, p.Action, stack);
  const blockers = p.FunctionUrlAuthType === undefined && p.InvokedViaFunctionUrl === undefined
    && p.EventSourceToken === undefined && p.PrincipalOrgID === undefined ? NO_BLOCKERS : permissionBlockers(p, ev, stack);
  return {
    site,
    source: 'permission',
    effect: 'Allow',
    principal: classifyPrincipal(principalText),
    principalText,
    invokes: actionInvokes(actionText),
    actionText,
    ref: target.ok ? target.ref : undefined,
    refProblem: target.ok ? undefined : target.reason,
    sourceArns: p.SourceArn === undefined ? undefined : [ev.str(p.SourceArn, stack)],
    sourceAccount: p.SourceAccount === undefined ? undefined : ev.str(p.SourceAccount, stack),
    blockers,
    orgScoped: p.PrincipalOrgID !== undefined,
    condition: openCondition(ev, stack, r),
  };
}

/**
 * The resource's Condition when it is open (the grant may not exist). One known false never gets
 * here: build.ts leaves such resources out of the analysis.
 */
function openCondition(ev: Evaluator, stack: string, r: Res['r']): OpenCondition | undefined {
  const c = resourceCondition(ev, stack, r);
  return c === ABSENT ? undefined : c;
}

/** Shared by every permission without a blocking condition (nothing adds to a grant's blockers once built). */
const NO_BLOCKERS: readonly string[] = Object.freeze([]);

/** Conditions API Gateway's call never satisfies (§6.4). */
function permissionBlockers(p: Record<string, any>, ev: Evaluator, stack: string): string[] {
  const blockers: string[] = [];
  if (p.FunctionUrlAuthType !== undefined) blockers.push('FunctionUrlAuthType (function URLs only)');
  if (p.InvokedViaFunctionUrl !== undefined && ev.literal(p.InvokedViaFunctionUrl, stack) !== 'false') {
    blockers.push('InvokedViaFunctionUrl (function URLs only)');
  }
  if (p.EventSourceToken !== undefined) blockers.push('EventSourceToken (never supplied by API Gateway)');
  if (p.PrincipalOrgID !== undefined) blockers.push('PrincipalOrgID (service calls carry no organization)');
  return blockers;
}

/** `renderSym(ev.str(expr, stack))`; a plain string (the usual Principal and Action) is its own rendering. */
function text(ev: Evaluator, expr: any, stack: string): string {
  return typeof expr === 'string' ? expr : renderSym(ev.str(expr, stack));
}

const labels = new WeakMap<Grant, string>();

/**
 * `Policy (Statement[1], Sid 'NoApiGateway')` for a statement of an AWS::Lambda::ResourcePolicy, the
 * logical id for a permission: what a message names so the user can find the statement. Built on
 * demand (only findings name statements), from the template rather than kept on every grant.
 */
export function statementLabel(ev: Evaluator, g: Grant): string {
  let label = labels.get(g);
  if (label !== undefined) return label;
  const m = /^PolicyDocument\.Statement\.(\d+)$/.exec(g.site.propertyPath ?? '');
  label = g.site.logicalId;
  if (m) {
    const st = statements(ev.resource(g.site.stack, g.site.logicalId)?.Properties?.PolicyDocument, ev, g.site.stack)?.[Number(m[1])];
    const sid = typeof st?.Sid === 'string' && st.Sid ? `, Sid '${st.Sid}'` : '';
    label = `${g.site.logicalId} (Statement[${m[1]}]${sid})`;
  }
  labels.set(g, label);
  return label;
}

/** The statements of a policy document (object or JSON text); undefined when it cannot be read statically. */
function statements(doc: any, ev: Evaluator, stack: string): any[] | undefined {
  let d = doc;
  if (typeof d === 'string' || (d && typeof d === 'object' && Object.keys(d).some(isIntrinsicKey))) {
    const lit = ev.literal(d, stack);
    try {
      d = lit !== undefined ? JSON.parse(lit) : undefined;
    } catch {
      d = undefined;
    }
  }
  if (!d || typeof d !== 'object') return undefined;
  const st = d.Statement;
  if (Array.isArray(st)) return st;
  return st && typeof st === 'object' ? [st] : [];
}

function policyStatementGrant(st: any, site: Site, target: ReturnType<typeof parseFunctionRef>, ev: Evaluator, stack: string,
  condition: OpenCondition | undefined): Grant {
  const effect = st?.Effect === 'Deny' ? 'Deny' : 'Allow';
  const { principal, text } = statementPrincipal(st, ev, stack);
  const actions = ev.strings(st?.Action ?? st?.NotAction, stack).map(renderSym);
  const matches = actions.some(actionInvokes);
  const invokes = st?.NotAction !== undefined ? !matches : matches;
  const sourceArns: Sym[] = [];
  let sourceAccount: Sym | undefined;
  const blockers: string[] = [];
  let orgScoped = false;
  let undecided: string | undefined;
  for (const [op, byKey] of Object.entries<any>(st?.Condition ?? {})) {
    for (const [key, value] of Object.entries<any>(byKey ?? {})) {
      const k = key.toLowerCase();
      const baseOp = op.replace(/IfExists$/, '');
      if (k === 'aws:sourcearn' && ['ArnLike', 'ArnEquals', 'StringLike', 'StringEquals'].includes(baseOp)) {
        sourceArns.push(...ev.strings(value, stack));
      } else if (k === 'aws:sourceaccount' && ['StringEquals', 'StringLike'].includes(baseOp)) {
        sourceAccount = ev.strings(value, stack)[0];
      } else if (effect === 'Deny' && !neverMet(op, k)) {
        // A Deny's other conditions may well hold for API Gateway's call (a negated operator matches a key the
        // call does not carry): the Deny may apply, which is not decided here (rules.md Unverifiable).
        undecided ??= `${op} ${key}`;
      } else {
        if (k === 'aws:principalorgid') orgScoped = true;
        blockers.push(`Condition ${op} ${key}`);
      }
    }
  }
  return {
    site,
    source: 'resource-policy',
    effect,
    principal,
    principalText: text,
    invokes,
    actionText: actions.join(', '),
    ref: target.ok ? target.ref : undefined,
    refProblem: target.ok ? undefined : target.reason,
    sourceArns: sourceArns.length ? sourceArns : undefined,
    sourceAccount,
    blockers,
    orgScoped,
    condition: condition ?? (undecided === undefined ? undefined : {
      key: `statement:${site.stack}|${site.logicalId}|${site.propertyPath}`,
      name: undecided,
      dependsOn: 'what API Gateway\'s call carries (a negated operator or IfExists matches a key the call does not carry)',
    }),
  };
}

/** Keys API Gateway's call to Lambda never carries (§6.4): a positive operator on one is never met. */
const NEVER_SUPPLIED = new Set(['aws:principalorgid', 'aws:principalorgpaths', 'lambda:functionurlauthtype', 'lambda:eventsourcetoken']);

/** True when a condition entry is certainly false for API Gateway's call (then a Deny under it never applies). */
function neverMet(op: string, key: string): boolean {
  return !op.endsWith('IfExists') && !op.includes('Not') && op !== 'Null' && NEVER_SUPPLIED.has(key);
}

function statementPrincipal(st: any, ev: Evaluator, stack: string): { principal: Principal; text: string } {
  if (st?.NotPrincipal !== undefined) {
    const listed = principalValues(st.NotPrincipal, ev, stack);
    return { principal: listed.includes(APIGW) ? 'other' : 'any', text: `NotPrincipal ${listed.join(', ')}` };
  }
  const values = principalValues(st?.Principal, ev, stack);
  if (values.includes('*')) return { principal: 'any', text: '*' };
  if (values.some((v) => classifyPrincipal(v) === 'apigateway')) return { principal: 'apigateway', text: APIGW };
  return { principal: 'other', text: values.join(', ') };
}

import { Evaluator } from './evaluate';
import { Principal } from './model';
import { isIntrinsicKey } from './template';
import { renderSym } from './value';

/** IAM policy vocabulary shared by resource policies (grants.ts) and identity policies (iam*.ts). */

const APIGW = 'apigateway.amazonaws.com';

export function classifyPrincipal(text: string): Principal {
  if (text === '*') return 'any';
  if (text === APIGW || /^apigateway\.amazonaws\.com(\.cn)?$/.test(text) || text === 'apigateway.${AWS::URLSuffix}') return 'apigateway';
  return 'other';
}

/** The values of a `Principal`/`NotPrincipal` element: `"*"`, `{ Service: … }`, `{ AWS: [...] }`, or an intrinsic. */
export function principalValues(p: any, ev: Evaluator, stack: string): string[] {
  if (p === undefined || p === null) return [];
  if (typeof p === 'string') return [p];
  if (typeof p === 'object' && !Array.isArray(p) && !Object.keys(p).some(isIntrinsicKey)) {
    return Object.values(p).flatMap((v) => ev.strings(v, stack).map(renderSym));
  }
  return ev.strings(p, stack).map(renderSym);
}

/** Case-insensitive IAM action glob (`lambda:Invoke*`, `*`, `?`). */
export function actionGlob(pattern: string, action: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    if (globs.size >= 1000) globs.clear();
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    globs.set(pattern, re);
  }
  return re.test(action);
}

/** Compiled action patterns: every permission repeats the same few actions. Bounded, as the process may be long-lived. */
const globs = new Map<string, RegExp>();

/** Actions that grant invocation: lambda:InvokeFunction, lambda:*, *, lambda:Invoke* (case-insensitive, §6.7). */
export function actionInvokes(action: string): boolean {
  let v = invokes.get(action);
  if (v === undefined) {
    if (invokes.size >= 1000) invokes.clear();
    v = action.toLowerCase() !== 'lambda:invokefunctionurl' && actionGlob(action, 'lambda:InvokeFunction');
    invokes.set(action, v);
  }
  return v;
}

/** Answers by action text: every permission repeats the same few actions. Bounded, as `globs`. */
const invokes = new Map<string, boolean>();

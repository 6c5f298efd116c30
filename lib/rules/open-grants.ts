import type { Facts } from '../facts/build';
import { FunctionRef, refLabel } from '../facts/function-ref';
import { Grant, Invocation, InvocationPath } from '../facts/model';
import { renderSym } from '../facts/value';
import { GrantIndex } from './grant-index';
import { grantName } from './grant-name';

/*
 * Grants that may or may not apply to a path for reasons the templates do not settle, besides their
 * SourceArn (coverage.ts undecidedMiss): a resource Condition, or a FunctionName that names no known
 * function. A path only they could cover is Unverifiable (rules.md: a warning, never a silent pass
 * and never a false error).
 */

/**
 * True when the grant surely exists whenever the invocation's paths do: it has no open Condition, or
 * the invocation exists under that same condition (they are created together).
 */
export function existsWith(g: Grant, inv: Invocation): boolean {
  const c = g.condition;
  return c === undefined || (inv.conditions !== undefined && inv.conditions.includes(c.key));
}

/** Why a grant whose Condition is open leaves a path it covers undecided. */
export function conditionReason(g: Grant, inv: Invocation): string {
  const c = g.condition!;
  const name = grantName(g, inv);
  return `${name} covers the path but is created only when its condition ${c.name} holds, which depends on `
    + `${c.dependsOn} (the analysed templates do not settle it): check that ${c.name} holds in every deployment of this API, `
    + `or give the method, route or authorizer the same condition as ${name}`;
}

/** Why a Deny under an open Condition (the resource's or its statement's) leaves a covered path undecided. */
export function denyConditionReason(deny: Grant, inv: Invocation, p: InvocationPath): string {
  const c = deny.condition!;
  return `an explicit Deny in ${grantName(deny, inv)} matches ${p.label} when its condition ${c.name} holds, which depends on `
    + `${c.dependsOn}: check that it never holds for this API's calls`;
}

/**
 * Allow statements for API Gateway whose function cannot be named statically (a FunctionName that is a
 * parameter, an unknown import…): they may be for any function. Indexed by API as grants on one
 * function are (grant-index.ts); undefined when there are none (the usual analysis).
 */
function unknownTargets(facts: Facts): GrantIndex | undefined {
  if (memo.has(facts)) return memo.get(facts);
  const grants: Grant[] = [];
  for (let i = 0; i < facts.grants.length; i++) {
    const g = facts.grants[i];
    if (g.effect === 'Allow' && (g.principal === 'apigateway' || g.principal === 'any') && g.invokes && g.blockers.length === 0
      && (!g.ref || g.ref.fnKey.startsWith('sym:'))) grants.push(g);
  }
  const index = grants.length ? new GrantIndex(grants) : undefined;
  memo.set(facts, index);
  return index;
}

const memo = new WeakMap<Facts, GrantIndex | undefined>();

/** True when some grant's function is not known statically (most analyses have none: coverage skips the look-ups). */
export function hasUnknownTargets(facts: Facts): boolean {
  return unknownTargets(facts) !== undefined;
}

/**
 * Why a path no known grant covers might be covered all the same: a grant whose function is not known
 * statically, whose SourceArn covers the path, and which could be on the invoked qualifier.
 * `covers` and `apiKey` are coverage.ts's (passed in: this file is imported by it).
 */
export function unknownTargetReason(facts: Facts, ref: FunctionRef, p: InvocationPath, apiKey: string | undefined,
  covers: (g: Grant, p: InvocationPath) => boolean, inv: Invocation): string | undefined {
  const index = unknownTargets(facts);
  if (!index) return undefined;
  const candidates = index.candidatesFor(apiKey);
  for (let i = 0; i < candidates.length; i++) {
    const g = candidates[i];
    if (!mayBeOn(g, ref) || !covers(g, p)) continue;
    const what = g.ref ? `is ${renderSym(g.ref.value)}, which the analysed templates do not settle` : `cannot be resolved (${g.refProblem})`;
    const name = grantName(g, inv);
    return `the ${g.source === 'permission' ? 'FunctionName' : 'ResourceArn'} of ${name} ${what}; ${name} covers the path if it names ${refLabel(ref)}: check that it does`;
  }
  return undefined;
}

/** A grant with an unknown function name could be on this qualifier unless it names another one literally. */
function mayBeOn(g: Grant, ref: FunctionRef): boolean {
  // A name that is wholly a deploy-time value (a parameter) may carry any qualifier (`fn:live`).
  if (!g.ref || (g.ref.fnKey.startsWith('sym:') && g.ref.qualifierKey === '')) return true;
  const q = g.ref.qualifierKey;
  return q === ref.qualifierKey || (g.ref.qualifierLabel !== '' && g.ref.qualifierLabel.includes('${'));
}

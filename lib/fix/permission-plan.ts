import type { Facts } from '../facts/build';
import { crossRegionOf } from '../facts/build-context';
import { FunctionRef, refKey } from '../facts/function-ref';
import { ApiFact, Invocation, InvocationPath } from '../facts/model';
import { Sym, sym } from '../facts/value';
import { ArnPattern, apiWidePattern, mergePatterns, pathPattern } from './source-arn';
import { FIX_BUDGET_BYTES, POLICY_LIMIT_BYTES, TypeOf, existingPolicyBytes, statementBytes } from './consolidate';
import { FixStageScope } from './stage-scope';

/** One finding to repair by adding permissions. */
export interface PermissionRequest {
  readonly ruleId: string;
  readonly invocation: Invocation;
  readonly ref: FunctionRef;
  readonly paths: readonly InvocationPath[];
}

/** The permissions to add for one (invoked reference, API): one per distinct SourceArn pattern. */
export interface PermissionGroup {
  readonly ref: FunctionRef;
  readonly api: ApiFact;
  readonly requests: PermissionRequest[];
  /**
   * The function's region when it is not the API's (semantics.md §2.1 [K-L-APIGW]: a cross-region
   * SourceArn uses the function's region, C30); undefined: the API's.
   */
  readonly region?: Sym;
  patterns: ArnPattern[];
  /** True when the patterns were widened to API-wide ones to keep the policy small (§6.8). */
  consolidated: boolean;
}

/** Size outcome per function reference, for messages. */
export interface SizeNote {
  readonly ref: FunctionRef;
  readonly existingBytes: number;
  readonly finalBytes: number;
  readonly consolidated: boolean;
  /** The existing statements alone exceed the hard limit: the fix cannot help (it never deletes). */
  readonly overLimit: boolean;
}

export interface PermissionPlan {
  readonly groups: PermissionGroup[];
  readonly sizes: SizeNote[];
}

/**
 * Groups the uncovered paths by (invoked reference, API), computes the narrowest patterns, and
 * widens a reference's new patterns to API-wide ones when its estimated policy (existing
 * statements + the new ones) would pass the fix budget. The user's and the CDK's statements are
 * never touched: only what the fix adds is consolidated.
 */
export function planPermissions(facts: Facts, requests: readonly PermissionRequest[], scope: FixStageScope): PermissionPlan {
  const groups = new Map<string, PermissionGroup>();
  for (const r of requests) {
    // Lambda cannot attach a policy to $LATEST (§6.5, C57): only a URI change repairs it.
    if (r.ref.qualifierKey === '$LATEST') continue;
    const k = `${refKey(r.ref)}\u0000${r.invocation.api.key}`;
    let g = groups.get(k);
    if (!g) {
      const region = crossRegionOf(facts.ev, r.invocation.api, r.ref);
      groups.set(k, (g = { ref: r.ref, api: r.invocation.api, region, requests: [], patterns: [], consolidated: false }));
    }
    g.requests.push(r);
  }
  for (const g of groups.values()) {
    g.patterns = mergePatterns(g.requests.flatMap((r) => r.paths.flatMap((p) => {
      const rest = pathPattern(g.api, p, scope);
      return rest ? [{ rest, paths: [p] }] : [];
    })));
  }
  const sizes: SizeNote[] = [];
  const typeOf: TypeOf = (stack, id) => facts.ev.resource(stack, id)?.Type;
  const byRef = new Map<string, PermissionGroup[]>();
  for (const g of groups.values()) {
    const k = refKey(g.ref);
    byRef.set(k, [...(byRef.get(k) ?? []), g]);
  }
  for (const list of byRef.values()) {
    const ref = list[0].ref;
    const existing = (facts.grantsByFunction.get(ref.fnKey) ?? []).filter((x) => x.ref?.qualifierKey === ref.qualifierKey);
    const existingBytes = existingPolicyBytes(facts, existing);
    const added = (gs: PermissionGroup[]) => gs.reduce((n, g) => n + g.patterns.reduce(
      (m, p) => m + statementBytes(ref.value, fullArn(g.api, p.rest, g.region), typeOf), 0), 0);
    let finalBytes = existingBytes + added(list);
    let consolidated = false;
    if (finalBytes > FIX_BUDGET_BYTES) {
      for (const g of list) {
        g.patterns = mergePatterns(g.patterns.flatMap((p) => p.paths.map((path) => ({ rest: apiWidePattern(g.api, path), paths: [path] }))));
        g.consolidated = true;
      }
      consolidated = true;
      finalBytes = existingBytes + added(list);
    }
    sizes.push({ ref, existingBytes, finalBytes, consolidated, overLimit: finalBytes > POLICY_LIMIT_BYTES });
  }
  return { groups: [...groups.values()], sizes };
}

/** The full SourceArn a pattern stands for (for size estimates and messages); `region`: a function's other region. */
export function fullArn(api: ApiFact, rest: Sym, region?: Sym): Sym {
  return sym('arn:', api.partition, ':execute-api:', region ?? api.region, ':', api.account, ':', api.id, '/', rest);
}

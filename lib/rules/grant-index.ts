import { apiSegmentIndexKey } from '../facts/arn-like';
import type { Facts } from '../facts/build';
import { FunctionRef, parseFunctionRef, refKey } from '../facts/function-ref';
import { ApiFact, Grant, InvocationPath, Site } from '../facts/model';
import { Sym } from '../facts/value';

/**
 * The grants on one function reference, bucketed by the API id their SourceArn names. The CDK adds
 * a statement per method and stage, so a function behind many routes carries many statements;
 * matching each path only against the statements of its own API (plus those without a SourceArn or
 * with a wildcard API id) keeps coverage linear in paths instead of paths × statements.
 *
 * Sound because ArnLike compares the resource part character by character up to the first wildcard
 * (§6.3): a SourceArn whose API id has no wildcard can only match an ARN with that same API id.
 */
export class GrantIndex {
  private readonly byApi = new Map<string, Grant[]>();
  /** Grants any path may match: no SourceArn, a wildcard or unparsable API id. */
  private readonly always: Grant[] = [];
  private order: Map<Grant, number> | undefined;

  constructor(private readonly grants: readonly Grant[]) {
    for (const g of grants) {
      const arns = g.sourceArns;
      const one = arns && arns.length === 1 ? patternApiKey(arns[0]) : undefined;
      if (one !== undefined) {
        this.add(one, g);
        continue;
      }
      const keys = new Set<string | undefined>((arns ?? [undefined]).map((a) => (a ? patternApiKey(a) : undefined)));
      if (keys.has(undefined)) {
        this.always.push(g);
        continue;
      }
      for (const k of keys) this.add(k!, g);
    }
  }

  private add(k: string, g: Grant): void {
    let list = this.byApi.get(k);
    if (!list) this.byApi.set(k, (list = []));
    list.push(g);
  }

  /** The grants that may cover this path, in their original order. */
  candidates(p: InvocationPath): readonly Grant[] {
    return this.candidatesFor(apiSegmentIndexKey(p.arn));
  }

  /** `candidates` of a path whose API id segment has this key (`pathApiKey`). */
  candidatesFor(key: string | undefined): readonly Grant[] {
    const hit = key === undefined ? undefined : this.byApi.get(key);
    if (!hit) return this.always;
    if (!this.always.length) return hit;
    // Merged once per API: every path of the API asks for the same list.
    let m = this.merged?.get(key!);
    if (m) return m;
    const order = this.order ??= new Map(this.grants.map((g, i) => [g, i]));
    m = [...hit, ...this.always].sort((a, b) => order.get(a)! - order.get(b)!);
    (this.merged ??= new Map()).set(key!, m);
    return m;
  }

  private merged: Map<string, Grant[]> | undefined;
}

/**
 * `apiSegmentIndexKey(p.arn)` for a path of this API, computed once per API: every expected ARN is built
 * as `arn:<partition>:execute-api:<region>:<account>:<api id>/…` from the API's own values
 * (executeApiArn), so its API segment depends on the API alone (the region may be the function's,
 * semantics.md §2.1, but the key is the API id segment's either way); a path without an ARN has none.
 */
export function pathApiKey(keys: Map<ApiFact, string | undefined>, api: ApiFact, p: InvocationPath): string | undefined {
  if (p.arn.length === 0) return undefined;
  if (keys.has(api)) return keys.get(api);
  const k = apiSegmentIndexKey(p.arn);
  keys.set(api, k);
  return k;
}

const memo = new WeakMap<Facts, Map<string, unknown>>();

/** Computes a per-analysis value once per key (per function reference): rules call these per invocation. */
function once<T>(facts: Facts, key: string, make: () => T): T {
  let m = memo.get(facts);
  if (!m) memo.set(facts, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

/** The index over the grants on exactly this (function, qualifier), built once per analysis. */
export function grantIndex(facts: Facts, ref: FunctionRef): GrantIndex {
  return once(facts, `index|${refKey(ref)}`, () => new GrantIndex(
    (facts.grantsByFunction.get(ref.fnKey) ?? []).filter((g) => g.ref?.qualifierKey === ref.qualifierKey)));
}

/**
 * `from.filter(keep)` (by default the grants on the reference's function), computed once per analysis
 * for each (reference, filter name). The result is shared: do not mutate it.
 */
export function grantsWhere(facts: Facts, ref: FunctionRef, name: string, keep: (g: Grant) => boolean, from?: readonly Grant[]): Grant[] {
  return once(facts, `${name}|${refKey(ref)}`, () => (from ?? facts.grantsByFunction.get(ref.fnKey) ?? []).filter(keep));
}

/** The AWS::Lambda::ResourcePolicy resources on one exact function reference. */
export interface ResourcePolicies {
  readonly ref: FunctionRef;
  readonly sites: Site[];
}

/**
 * The AWS::Lambda::ResourcePolicy resources by the exact reference (`refKey`) they set the policy of,
 * once per analysis: from the resources, not their statements, since an empty or unreadable document
 * still replaces the whole policy (§6.9). Empty, and cheap, for the apps that have none.
 */
export function resourcePolicies(facts: Facts): ReadonlyMap<string, ResourcePolicies> {
  return once(facts, 'resource-policies', () => {
    const out = new Map<string, ResourcePolicies>();
    for (const { stack, id, r } of facts.resources('AWS::Lambda::ResourcePolicy')) {
      const target = parseFunctionRef(facts.ev.str(r.Properties?.ResourceArn, stack), facts.ev, facts.physicalNames);
      if (!target.ok) continue;
      const k = refKey(target.ref);
      let e = out.get(k);
      if (!e) out.set(k, (e = { ref: target.ref, sites: [] }));
      e.sites.push({ stack, logicalId: id, resourceType: r.Type });
    }
    return out;
  });
}

/** Key of the API id segment of a SourceArn; undefined when not an ARN or the id has a wildcard. */
function patternApiKey(pattern: Sym): string | undefined {
  return apiSegmentIndexKey(pattern, true);
}

import { arnComponents, hasWildcard } from '../facts/arn-like';
import type { Facts } from '../facts/build';
import { FunctionRef, refKey } from '../facts/function-ref';
import { Grant, InvocationPath } from '../facts/model';
import { Sym, symKey } from '../facts/value';

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
  private readonly order = new Map<Grant, number>();

  constructor(grants: readonly Grant[]) {
    grants.forEach((g, i) => {
      this.order.set(g, i);
      const keys = new Set<string | undefined>((g.sourceArns ?? [undefined]).map((a) => (a ? patternApiKey(a) : undefined)));
      if (keys.has(undefined)) {
        this.always.push(g);
        return;
      }
      for (const k of keys) {
        let list = this.byApi.get(k!);
        if (!list) this.byApi.set(k!, (list = []));
        list.push(g);
      }
    });
  }

  /** The grants that may cover this path, in their original order. */
  candidates(p: InvocationPath): readonly Grant[] {
    const hit = this.byApi.get(apiKey(p.arn) ?? '');
    if (!hit) return this.always;
    if (!this.always.length) return hit;
    return [...hit, ...this.always].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
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

/** `\u0000`-prefixed key of the API id segment of an ARN's resource part; undefined when not an ARN. */
function apiKey(arn: Sym): string | undefined {
  const first = apiSegment(arn);
  return first && `\u0000${symKey(first)}`;
}

function patternApiKey(pattern: Sym): string | undefined {
  const first = apiSegment(pattern);
  return first && !hasWildcard(first) ? `\u0000${symKey(first)}` : undefined;
}

/** The resource part up to its first `/` (the API id of an execute-api ARN). */
function apiSegment(arn: Sym): Sym | undefined {
  const c = arnComponents(arn);
  if (c.length !== 6) return undefined;
  const out: Array<Sym[number]> = [];
  for (const p of c[5]) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    const slash = p.indexOf('/');
    if (slash < 0) {
      out.push(p);
      continue;
    }
    if (slash > 0) out.push(p.slice(0, slash));
    break;
  }
  return out;
}

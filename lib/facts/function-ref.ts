import { Evaluator, isFunctionType } from './evaluate';
import {
  Sym, addToSym, beginSym, endSym, isAtom, literalOf, renderSym, splitSym, symIncludes, symKey, unresolvedPart,
} from './value';

/**
 * A normalised function reference: (base function, qualifier), semantics.md §6.5-§6.6.
 * `arn`, `name`, `account:function:name`, `Ref F`, `GetAtt F.Arn`, `Ref Alias`, `Ref Version` all
 * reduce to this; the qualifier (alias or version) is part of the identity because each has its own
 * resource policy.
 */
export interface FunctionRef {
  /** Identity of the base function (a resource of the app, or a physical name). */
  readonly fnKey: string;
  /** Identity of the qualifier: '' when unqualified. */
  readonly qualifierKey: string;
  /** Readable function name for messages (logical id or physical name). */
  readonly fnLabel: string;
  /** Readable qualifier ('' when unqualified). */
  readonly qualifierLabel: string;
  /** The Lambda function resource when it is defined in the analysed templates. */
  readonly definedIn?: { readonly stack: string; readonly logicalId: string };
  /** Account segment of the ARN, when the reference was a full or partial ARN. */
  readonly account?: Sym;
  /** Region segment of the ARN, when the reference was a full ARN. */
  readonly region?: Sym;
  /** The value as written (for messages and fixes). */
  readonly value: Sym;
}

export type FunctionRefResult =
  | { readonly ok: true; readonly ref: FunctionRef }
  | { readonly ok: false; readonly reason: string };

/** Index of functions defined with a literal physical name, to match references by name. */
export type PhysicalNames = ReadonlyMap<string, { stack: string; logicalId: string }>;

export function refKey(r: FunctionRef): string {
  let k = refKeys.get(r);
  if (k === undefined) refKeys.set(r, (k = `${r.fnKey}#${r.qualifierKey}`));
  return k;
}

/** Rules key maps by reference for every path and grant; references are shared (see `parseFunctionRef`). */
const refKeys = new WeakMap<FunctionRef, string>();

export function refLabel(r: FunctionRef): string {
  return r.qualifierLabel ? `${r.fnLabel}:${r.qualifierLabel}` : r.fnLabel;
}

/**
 * Results by value, per evaluator (and its physical-name index): every permission, path and rule
 * parses references, mostly the same few per function. Bucketed by the value's last atom key and
 * last literal (the function and qualifier are at the end), checked part by part: no key string is
 * built per lookup.
 */
const parsed = new WeakMap<Evaluator, {
  names: PhysicalNames;
  byProbe: Map<string, Map<string, Array<{ value: Sym; result: FunctionRefResult }>>>;
  /** Values met twice as the same object (an imported function ARN is one cached value for all its importers). */
  bySym: WeakMap<Sym, FunctionRefResult>;
}>();

/** Parses any accepted `FunctionName` / function ARN form (semantics.md §6.6). */
export function parseFunctionRef(value: Sym, ev: Evaluator, names: PhysicalNames): FunctionRefResult {
  let cache = parsed.get(ev);
  if (!cache) parsed.set(ev, (cache = { names, byProbe: new Map(), bySym: new WeakMap() }));
  if (cache.names !== names) return parseUncached(value, ev, names);
  let result = cache.bySym.get(value);
  if (result) return result;
  let atom = '';
  let text = '';
  for (let i = value.length - 1; i >= 0 && (atom === '' || text === ''); i--) {
    const p = value[i];
    if (typeof p === 'string') {
      if (text === '') text = p;
    } else if (atom === '') atom = p.key;
  }
  let byText = cache.byProbe.get(atom);
  if (!byText) cache.byProbe.set(atom, (byText = new Map()));
  let bucket = byText.get(text);
  if (bucket) {
    for (let i = 0; i < bucket.length; i++) {
      const hit = bucket[i];
      if (hit.value === value) {
        // Seen again as the very same object: next time, skip the scan.
        cache.bySym.set(value, hit.result);
        return hit.result;
      }
      if (sameSym(hit.value, value)) return hit.result;
    }
  } else byText.set(text, (bucket = []));
  result = parseUncached(value, ev, names);
  bucket.push({ value, result });
  return result;
}

function sameSym(a: Sym, b: Sym): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'string' || typeof y === 'string' || x.key !== y.key) return false;
    // Opaque atoms share keys across reasons ('opaque:join'); the reason ends up in messages.
    if (x.kind === 'opaque' && (y.kind !== 'opaque' || x.reason !== y.reason || x.unresolved !== y.unresolved)) return false;
  }
  return true;
}

function parseUncached(value: Sym, ev: Evaluator, names: PhysicalNames): FunctionRefResult {
  const bad = unresolvedPart(value);
  if (bad) return { ok: false, reason: `the function reference uses ${bad.reason}` };
  if (symIncludes(value, '${stageVariables.')) {
    return { ok: false, reason: 'the function reference uses a stage variable that is not substituted' };
  }
  const seg = splitSym(value, ':');
  let account: Sym | undefined;
  let region: Sym | undefined;
  let rest: Sym[];
  if (literalOf(seg[0]) === 'arn') {
    if (seg.length < 7 || literalOf(seg[2]) !== 'lambda' || literalOf(seg[5]) !== 'function') {
      return { ok: false, reason: `'${renderSym(value)}' is not a Lambda function ARN` };
    }
    region = seg[3];
    account = seg[4];
    rest = seg.slice(6);
  } else if (seg.length >= 3 && literalOf(seg[1]) === 'function') {
    account = seg[0];
    rest = seg.slice(2);
  } else {
    rest = seg;
  }
  if (rest.length < 1 || rest.length > 2 || rest[0].length === 0) {
    return { ok: false, reason: `'${renderSym(value)}' is not a function name or ARN` };
  }
  const [nameSym, qualSym] = rest;
  const fn = identify(nameSym, ev, names, account, region);
  const qualifierKey = qualSym ? qualifierIdentity(qualSym) : '';
  return {
    ok: true,
    ref: {
      fnKey: fn.key,
      fnLabel: fn.label,
      definedIn: fn.definedIn,
      qualifierKey,
      qualifierLabel: qualSym ? renderSym(qualSym) : '',
      account,
      region,
      value,
    },
  };
}

/**
 * Keys under which a function with a literal physical name is indexed: the bare name, and the name
 * qualified by its stack's literal account/region, so that the same name deployed to several
 * environments (one stack per account or region) keeps one identity per environment.
 */
export function physicalNameKeys(name: string, account?: string, region?: string): string[] {
  const keys = [name];
  if (account !== undefined && region !== undefined) keys.push(`env:${account}:${region}:${name}`);
  if (account !== undefined) keys.push(`env:${account}::${name}`);
  if (region !== undefined) keys.push(`env::${region}:${name}`);
  return keys;
}

function identify(name: Sym, ev: Evaluator, names: PhysicalNames, account?: Sym, region?: Sym) {
  if (name.length === 1 && isAtom(name[0]) && name[0].kind === 'res') {
    const a = name[0];
    const res = ev.resource(a.stack, a.logicalId);
    if (isFunctionType(res?.Type) && a.attr === 'Ref') {
      return { key: `res:${a.stack}|${a.logicalId}`, label: a.logicalId, definedIn: { stack: a.stack, logicalId: a.logicalId } };
    }
  }
  const lit = literalOf(name);
  if (lit !== undefined) {
    // A literal name or ARN names the app's function only in that function's environment (§6.6).
    const acct = account ? literalOf(account) : undefined;
    const reg = region ? literalOf(region) : undefined;
    const hit = (acct !== undefined && reg !== undefined ? names.get(`env:${acct}:${reg}:${lit}`) : undefined)
      ?? (acct !== undefined ? names.get(`env:${acct}::${lit}`) : undefined)
      ?? (reg !== undefined ? names.get(`env::${reg}:${lit}`) : undefined)
      ?? names.get(lit);
    const home = hit ? ev.stack(hit.stack) : undefined;
    const clash = (acct !== undefined && home?.account !== undefined && home.account !== acct)
      || (reg !== undefined && home?.region !== undefined && home.region !== reg);
    if (hit && !clash) return { key: `res:${hit.stack}|${hit.logicalId}`, label: hit.logicalId, definedIn: hit };
    if (hit) return { key: `name:${lit}@${acct ?? ''}@${reg ?? ''}`, label: `${lit} (${[acct, reg].filter(Boolean).join(', ')})`, definedIn: undefined };
    return { key: `name:${lit}`, label: lit, definedIn: undefined };
  }
  return { key: `sym:${symKey(name)}`, label: renderSym(name), definedIn: undefined };
}

function qualifierIdentity(q: Sym): string {
  const lit = literalOf(q);
  return lit !== undefined ? lit : symKey(q);
}

/** Strips `arn…:lambda:path/<date>/functions/` and `/invocations` from an integration URI. */
export function functionFromUri(uri: Sym): { fn: Sym; streaming: boolean } | undefined {
  // Find the literal marker; the function ARN follows it. Built part by part (as `sym` would), without spreads.
  for (let i = 0; i < uri.length; i++) {
    const p = uri[i];
    if (typeof p !== 'string') continue;
    const at = p.indexOf(':lambda:path/');
    if (at < 0) continue;
    const fnAt = p.indexOf('/functions/', at);
    if (fnAt < 0) continue;
    beginSym();
    addToSym(p.slice(fnAt + '/functions/'.length));
    for (let j = i + 1; j < uri.length; j++) addToSym(uri[j]);
    const tail = endSym();
    const last = tail[tail.length - 1];
    if (typeof last !== 'string') return undefined;
    const suffix = last.endsWith('/response-streaming-invocations') ? '/response-streaming-invocations'
      : last.endsWith('/invocations') ? '/invocations' : undefined;
    if (suffix === undefined) return undefined;
    beginSym();
    for (let j = 0; j < tail.length - 1; j++) addToSym(tail[j]);
    addToSym(last.slice(0, -suffix.length));
    return { fn: endSym(), streaming: suffix.startsWith('/response') };
  }
  return undefined;
}

/** True when a value is a Lambda function ARN (HTTP API integrations take it bare). */
export function looksLikeFunctionArn(v: Sym): boolean {
  const first = v[0];
  if (typeof first === 'string') {
    // Not an ARN at all (the usual integration URI is not one): no need to split.
    if (!first.startsWith('arn:') && first !== 'arn') return false;
    // The usual function ARN has its first six components in its first literal: compare them in place.
    const q1 = first.indexOf(':', 4);
    const q2 = q1 < 0 ? -1 : first.indexOf(':', q1 + 1);
    const q3 = q2 < 0 ? -1 : first.indexOf(':', q2 + 1);
    const q4 = q3 < 0 ? -1 : first.indexOf(':', q3 + 1);
    if (q4 >= 0) {
      if (q2 - q1 - 1 !== 'lambda'.length || !first.startsWith('lambda', q1 + 1)) return false;
      const q5 = first.indexOf(':', q4 + 1);
      // Component 5 ends in this literal, or at the end of the value, or runs into an atom (then it is not literal).
      if (q5 >= 0 || v.length === 1) {
        const end = q5 >= 0 ? q5 : first.length;
        return end - q4 - 1 === 'function'.length && first.startsWith('function', q4 + 1);
      }
      if (typeof v[1] !== 'string') return false;
    }
  }
  const seg = splitSym(v, ':');
  return literalOf(seg[0]) === 'arn' && literalOf(seg[2]) === 'lambda' && literalOf(seg[5]) === 'function';
}

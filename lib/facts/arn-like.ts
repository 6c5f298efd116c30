import { Atom, Sym, addToSym, beginSym, endSym, splitSym, symKey } from './value';

/*
 * Nothing here is memoised: a large app has tens of thousands of ARNs, each matched about once, and
 * caches keyed by Sym kept all of them (and their tokens) alive for the whole analysis. Splitting is
 * cheap and short-lived; glob matching walks the parts in place, without building token lists.
 */

/**
 * `ArnLike` matching of a SourceArn pattern against an expected invocation ARN, both symbolic.
 *
 * semantics.md §6.3 [K-IAM-OPS]: case-sensitive, each of the six colon-delimited components is
 * matched separately, `*` matches any run (including `/` and the empty string) and `?` exactly one
 * character. Atoms match an identical atom or a `*`; pseudo parameters in the partition, region and
 * account components are treated as matching a literal (we cannot know the deploy environment; a
 * hard-coded `arn:aws:` against `${AWS::Partition}` is the common hand-written form).
 */
export function arnLike(pattern: Sym, value: Sym): boolean {
  const same = sharedPrefix(pattern, value);
  if (same >= 0) return walk(pattern, 0, same, value, 0, same);
  const p = splitSym(pattern, ':', 6);
  return p.length === 6 && componentsLike(p, value);
}

/**
 * `arnLike` for a Lambda permission's SourceArn: false as well when the pattern has a wildcard in its
 * region or account (Lambda rejects such a SourceArn at deploy time, §6.3, [K-OPENAPIX-25]).
 */
export function sourceArnMatches(pattern: Sym, value: Sym): boolean {
  const same = sharedPrefix(pattern, value);
  if (same >= 0) {
    const text = pattern[0] as string;
    return !hasWildcardIn(text, afterColon(text, 3), same) && walk(pattern, 0, same, value, 0, same);
  }
  const p = splitSym(pattern, ':', 6);
  return p.length === 6 && !hasWildcard(p[3]) && !hasWildcard(p[4]) && componentsLike(p, value);
}

/**
 * The usual case: pattern and value start with the same literal, which holds the first five
 * components (`arn:aws:execute-api:us-east-1:123456789012:`). Identical text always matches (a
 * wildcard matches itself) and has no pseudo parameter, so only the resource parts are left to
 * compare. The offset after the fifth colon, or -1.
 */
function sharedPrefix(pattern: Sym, value: Sym): number {
  const p = pattern[0];
  return typeof p === 'string' && p === value[0] ? afterColon(p, 5) : -1;
}

/** Offset just after the n-th colon of the text, or -1. */
function afterColon(text: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = text.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at + 1;
}

function hasWildcardIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 42 || c === 63) return true;
  }
  return false;
}

function componentsLike(p: readonly Sym[], value: Sym): boolean {
  const v = splitSym(value, ':', 6);
  if (v.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    if ((i === 1 || i === 3 || i === 4) && (hasPseudo(p[i]) || hasPseudo(v[i]))) continue;
    if (!globMatch(p[i], v[i])) return false;
  }
  return true;
}

/**
 * IAM `Resource` matching when both sides have six components (iam-match.ts): like `arnLike`, except
 * that pseudo parameters match in the service component too. Undefined unless both have six components.
 */
export function iamComponentsMatch(pattern: Sym, value: Sym): boolean | undefined {
  const p = splitSym(pattern, ':', 6);
  const v = splitSym(value, ':', 6);
  if (p.length !== 6 || v.length !== 6) return undefined;
  for (let i = 0; i < 5; i++) {
    if (i >= 1 && (hasPseudo(p[i]) || hasPseudo(v[i]))) continue;
    if (!globMatch(p[i], v[i])) return false;
  }
  return globMatch(p[5], v[5]);
}

/** Splits on the first five literal colons (the resource part keeps its own colons). */
export function arnComponents(s: Sym): Sym[] {
  return splitSym(s, ':', 6);
}

/**
 * `literalOf(arnComponents(arn)[i])` for one of the first five components (i < 5) of an ARN with a
 * colon after it, found without splitting; undefined when the component is not a literal or the ARN
 * has fewer colons.
 */
export function arnComponentLiteral(arn: Sym, i: number): string | undefined {
  let colons = 0;
  let text = '';
  for (let k = 0; k < arn.length; k++) {
    const p = arn[k];
    if (typeof p !== 'string') {
      if (colons === i) return undefined;
      continue;
    }
    let from = 0;
    for (;;) {
      const at = p.indexOf(':', from);
      if (colons === i) text += at < 0 ? p.slice(from) : p.slice(from, at);
      if (at < 0) break;
      if (colons++ === i) return text;
      from = at + 1;
    }
  }
  return undefined;
}

/** The first `/`-delimited segment of an ARN's resource part: the API id of an execute-api ARN. */
export interface ApiSegment {
  readonly seg: Sym;
  /** `symKey(seg)`. */
  readonly key: string;
  /** A literal part of the segment contains `*` or `?`. */
  readonly wild: boolean;
}

/**
 * The API id segment of an ARN, `splitSym(arnComponents(arn)[5], '/')[0]`, found without splitting;
 * undefined when the ARN does not have six components.
 */
export function apiSegment(arn: Sym): ApiSegment | undefined {
  const seg = segmentOf(arn);
  return seg && { seg, key: symKey(seg), wild: hasWildcard(seg) };
}

/**
 * `apiSegment(arn)?.key`, undefined as well when `withoutWildcard` and the id has a wildcard: the
 * grant index asks this for every statement, coverage once per API.
 */
export function apiSegmentKey(arn: Sym, withoutWildcard = false): string | undefined {
  const seg = segmentOf(arn);
  return !seg || (withoutWildcard && hasWildcard(seg)) ? undefined : symKey(seg);
}

/**
 * A key for the API id segment that identifies it as `apiSegmentKey` does, but is only comparable
 * with other such keys (the grant index): an id that is one atom (the usual `Ref Api`) is keyed by
 * the atom's own key, in the usual ARN found in place, so nothing is built per statement or path.
 */
export function apiSegmentIndexKey(arn: Sym, withoutWildcard = false): string | undefined {
  const atom = apiSegmentAtom(arn);
  if (atom) return atom.key;
  const seg = segmentOf(arn);
  if (!seg || (withoutWildcard && hasWildcard(seg))) return undefined;
  // A function of the segment alone, whatever the ARN's shape: a one-atom segment is its atom's key;
  // `symKey` text starts with `"` or `<` (or is empty), so it never equals an atom key.
  return seg.length === 1 && typeof seg[0] !== 'string' ? seg[0].key : symKey(seg);
}

/**
 * The API id segment when it is one atom, found in place: `arn:…:<account>:` + atom + `/…` (the
 * usual `Ref Api`), where `apiSegment(arn).seg` is `[atom]` (and so has no wildcard). Undefined
 * for any other shape, whatever its segment.
 */
export function apiSegmentAtom(arn: Sym): Atom | undefined {
  const first = arn[0];
  const atom = arn[1];
  const next = arn[2];
  if (typeof first === 'string' && typeof atom !== 'string' && atom !== undefined && typeof next === 'string'
    && next.charCodeAt(0) === 47 /* / */ && first.charCodeAt(first.length - 1) === 58 /* : */ && afterColon(first, 5) === first.length) {
    return atom;
  }
  return undefined;
}

/** `apiSegment(arn)?.wild`, as a boolean. */
export function apiSegmentWild(arn: Sym): boolean {
  if (apiSegmentAtom(arn)) return false;
  const seg = segmentOf(arn);
  return !!seg && hasWildcard(seg);
}

function segmentOf(arn: Sym): Sym | undefined {
  let colons = 0;
  beginSym();
  for (let k = 0; k < arn.length; k++) {
    const p = arn[k];
    if (typeof p !== 'string') {
      if (colons === 5) addToSym(p);
      continue;
    }
    let from = 0;
    while (colons < 5) {
      const at = p.indexOf(':', from);
      if (at < 0) break;
      colons++;
      from = at + 1;
    }
    if (colons < 5) continue;
    const slash = p.indexOf('/', from);
    if (slash < 0) {
      addToSym(from ? p.slice(from) : p);
      continue;
    }
    addToSym(p.slice(from, slash));
    break;
  }
  const seg = endSym();
  return colons === 5 ? seg : undefined;
}

/** True when a pseudo parameter (unknown deploy environment) is part of the value. */
export function hasPseudo(s: Sym): boolean {
  for (let k = 0; k < s.length; k++) {
    const p = s[k];
    if (typeof p !== 'string' && p.kind === 'pseudo') return true;
  }
  return false;
}

/** True when a literal part of the component contains a wildcard. */
export function hasWildcard(s: Sym): boolean {
  for (let k = 0; k < s.length; k++) {
    const p = s[k];
    if (typeof p === 'string' && (p.includes('*') || p.includes('?'))) return true;
  }
  return false;
}

/**
 * Glob over tokens: each literal character (code point) and each atom is one token; in the pattern
 * `*` matches any run of tokens and `?` one literal character. Iterative matching that backtracks
 * to the last `*` only, walking the parts in place (cursor = part index + offset in a literal).
 */
export function globMatch(pattern: Sym, value: Sym): boolean {
  if (pattern.length === 1 && value.length === 1) {
    const p = pattern[0];
    const v = value[0];
    if (typeof p === 'string' && typeof v === 'string' && !p.includes('*') && !p.includes('?')) return p === v;
  }
  return walk(pattern, 0, 0, value, 0, 0);
}

/** `globMatch` of the pattern from part `pi`, offset `pj` against the value from part `vi`, offset `vj`. */
function walk(p: Sym, pi: number, pj: number, v: Sym, vi: number, vj: number): boolean {
  // Pattern position after the last `*` (si < 0: none yet), and where its run currently ends in the value.
  let si = -1;
  let sj = 0;
  let mi = 0;
  let mj = 0;
  for (;;) {
    // Step over exhausted (or empty) literals.
    while (pi < p.length && typeof p[pi] === 'string' && pj >= (p[pi] as string).length) {
      pi++;
      pj = 0;
    }
    while (vi < v.length && typeof v[vi] === 'string' && vj >= (v[vi] as string).length) {
      vi++;
      vj = 0;
    }
    if (vi >= v.length) break;
    if (pi < p.length) {
      const pp = p[pi];
      const vp = v[vi];
      if (typeof pp === 'string') {
        const c = pp.charCodeAt(pj);
        if (c === 42 /* * */) {
          pj++;
          si = pi;
          sj = pj;
          mi = vi;
          mj = vj;
          continue;
        }
        if (typeof vp === 'string') {
          const vl = charLength(vp, vj);
          if (c === 63 /* ? */) {
            pj++;
            vj += vl;
            continue;
          }
          const pl = charLength(pp, pj);
          if (pl === vl && c === vp.charCodeAt(vj) && (pl === 1 || pp.charCodeAt(pj + 1) === vp.charCodeAt(vj + 1))) {
            pj += pl;
            vj += vl;
            continue;
          }
        }
      } else if (typeof vp !== 'string' && vp.key === pp.key) {
        pi++;
        pj = 0;
        vi++;
        vj = 0;
        continue;
      }
    }
    // Mismatch: let the last `*` take one more token.
    if (si < 0) return false;
    const mp = v[mi];
    if (typeof mp === 'string') mj += charLength(mp, mj);
    else {
      mi++;
      mj = 0;
    }
    // Keep the mark on a real token (or at the end), so the next step advances it again.
    while (mi < v.length && typeof v[mi] === 'string' && mj >= (v[mi] as string).length) {
      mi++;
      mj = 0;
    }
    vi = mi;
    vj = mj;
    pi = si;
    pj = sj;
  }
  // The value is consumed: only `*` may remain in the pattern.
  for (;;) {
    while (pi < p.length && typeof p[pi] === 'string' && pj >= (p[pi] as string).length) {
      pi++;
      pj = 0;
    }
    if (pi >= p.length) return true;
    const pp = p[pi];
    if (typeof pp !== 'string' || pp.charCodeAt(pj) !== 42) return false;
    pj++;
  }
}

/** Code units of the character at `i`: 2 for a surrogate pair (one character, as iteration by code point sees it). */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) return 1;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

import { Part, Sym, splitSym } from './value';

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
  const p = arnComponents(pattern);
  const v = arnComponents(value);
  if (p.length !== 6 || v.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    if (i === 1 || i === 3 || i === 4) {
      if (hasPseudo(p[i]) || hasPseudo(v[i])) continue;
    }
    if (!globMatch(p[i], v[i])) return false;
  }
  return true;
}

// Syms are immutable and coverage matches each SourceArn against many paths: split and tokenize each once.
const componentsMemo = new WeakMap<Sym, Sym[]>();
const patternMemo = new WeakMap<Sym, Tok[]>();
const valueMemo = new WeakMap<Sym, Tok[]>();
const wildMemo = new WeakMap<Sym, boolean>();
const exactMemo = new WeakMap<Sym, string>();

/** The token sequence as a string: literal characters as themselves, atoms as NUL-delimited keys. */
function exactKey(s: Sym): string {
  return s.map((p) => (typeof p === 'string' ? p : `\u0000${p.key}\u0000`)).join('');
}

function memo<T>(m: WeakMap<Sym, T>, s: Sym, f: (s: Sym) => T): T {
  let v = m.get(s);
  if (v === undefined) m.set(s, (v = f(s)));
  return v;
}

/** Splits on the first five literal colons (the resource part keeps its own colons). Shared result: do not mutate. */
export function arnComponents(s: Sym): Sym[] {
  return memo(componentsMemo, s, (x) => splitSym(x, ':', 6));
}

/** True when a pseudo parameter (unknown deploy environment) is part of the value. */
export function hasPseudo(s: Sym): boolean {
  return s.some((p) => typeof p !== 'string' && p.kind === 'pseudo');
}

type Tok = { readonly c: string } | { readonly atom: string } | { readonly star: true } | { readonly one: true };

function patternTokens(s: Sym): Tok[] {
  const out: Tok[] = [];
  for (const p of s) {
    if (typeof p !== 'string') {
      out.push({ atom: p.key });
      continue;
    }
    for (const ch of p) {
      if (ch === '*') {
        if (!(out.length && 'star' in out[out.length - 1])) out.push({ star: true });
      } else if (ch === '?') out.push({ one: true });
      else out.push({ c: ch });
    }
  }
  return out;
}

function valueTokens(s: Sym): Tok[] {
  const out: Tok[] = [];
  for (const p of s as Part[]) {
    if (typeof p !== 'string') out.push({ atom: p.key });
    else for (const ch of p) out.push({ c: ch });
  }
  return out;
}

/** Glob over tokens; linear-space DP. */
export function globMatch(pattern: Sym, value: Sym): boolean {
  // Fast path: no wildcards, so the token sequences must be equal (compared as memoized strings).
  if (!memo(wildMemo, pattern, hasWildcard)) return memo(exactMemo, pattern, exactKey) === memo(exactMemo, value, exactKey);
  const pt = memo(patternMemo, pattern, patternTokens);
  const vt = memo(valueMemo, value, valueTokens);
  let prev = new Array<boolean>(vt.length + 1).fill(false);
  prev[0] = true;
  for (const t of pt) {
    const cur = new Array<boolean>(vt.length + 1).fill(false);
    if ('star' in t) {
      let any = false;
      for (let j = 0; j <= vt.length; j++) {
        any = any || prev[j];
        cur[j] = any;
      }
    } else {
      for (let j = 1; j <= vt.length; j++) {
        if (!prev[j - 1]) continue;
        const v = vt[j - 1];
        cur[j] = 'one' in t ? 'c' in v : same(t, v);
      }
    }
    prev = cur;
  }
  return prev[vt.length];
}

function same(a: Tok, b: Tok): boolean {
  if ('c' in a && 'c' in b) return a.c === b.c;
  if ('atom' in a && 'atom' in b) return a.atom === b.atom;
  return false;
}

/** True when a literal part of the component contains a wildcard. */
export function hasWildcard(s: Sym): boolean {
  return s.some((p) => typeof p === 'string' && /[*?]/.test(p));
}

/**
 * Symbolic strings: CloudFormation values as a sequence of literal text and opaque atoms.
 *
 * An atom stands for a value only known at deploy time (a resource's Ref or attribute, a pseudo
 * parameter, a template parameter) or for something we could not resolve. Two values are equal
 * when their normalised sequences are equal; atoms compare by identity (their `key`).
 */

/** A resource attribute (`Ref` or `Fn::GetAtt`) of a resource in a given stack. */
export interface ResourceAtom {
  readonly kind: 'res';
  readonly key: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly attr: string;
}

/** A pseudo parameter whose value is not known statically (env-agnostic stack). */
export interface PseudoAtom {
  readonly kind: 'pseudo';
  readonly key: string;
  readonly name: string;
}

/** Anything else: a parameter, an import we cannot follow, an unsupported intrinsic. */
export interface OpaqueAtom {
  readonly kind: 'opaque';
  readonly key: string;
  /** Human-readable description of what could not be resolved. */
  readonly reason: string;
  /** True when the value could not be resolved at all (as opposed to a stable deploy-time value). */
  readonly unresolved: boolean;
}

/**
 * A stand-in for "any runtime value" in an expected invocation ARN (a REST path parameter, an
 * unknown stage): only a `*` wildcard in a SourceArn pattern can match it.
 */
export interface SampleAtom {
  readonly kind: 'sample';
  readonly key: string;
  readonly label: string;
}

export type Atom = ResourceAtom | PseudoAtom | OpaqueAtom | SampleAtom;
export type Part = string | Atom;
export type Sym = readonly Part[];

export function resAtom(stack: string, logicalId: string, attr: string): ResourceAtom {
  return { kind: 'res', key: resKey(stack, logicalId, attr), stack, logicalId, attr };
}

/** `resAtom(stack, logicalId, attr).key`, without the atom. */
export function resKey(stack: string, logicalId: string, attr: string): string {
  return flat(`res:${stack}|${logicalId}|${attr}`);
}

export function pseudoAtom(name: string): PseudoAtom {
  return { kind: 'pseudo', key: `pseudo:${name}`, name };
}

export function opaqueAtom(key: string, reason: string, unresolved = false): OpaqueAtom {
  return { kind: 'opaque', key: `opaque:${key}`, reason, unresolved };
}

export function sampleAtom(label: string): SampleAtom {
  return { kind: 'sample', key: `sample:${label}`, label };
}

export function isAtom(p: Part): p is Atom {
  return typeof p !== 'string';
}

/** Merges adjacent literals and drops empty ones. */
export function sym(...parts: Array<Part | Sym>): Sym {
  used = 0;
  merged = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (Array.isArray(p)) {
      for (let j = 0; j < p.length; j++) put(p[j]);
    } else put(p as Part);
  }
  return take();
}

/*
 * Syms are built in one scratch array and copied out at their exact length: an array grown by
 * `push` from `[]` reserves 17 slots, and the facts of a large app retain a hundred thousand Syms.
 * Not reentrant: nothing that builds a Sym may be called between `put` and `take`.
 */
const scratch: Part[] = [];
let used = 0;
/** A literal of the Sym being built was made by `+` (see `flat`). */
let merged = false;

/** Appends one part to the Sym being built (merging literals, dropping empty ones). */
function put(p: Part): void {
  if (typeof p === 'string') {
    if (p === '') return;
    if (used > 0) {
      const last = scratch[used - 1];
      if (typeof last === 'string') {
        scratch[used - 1] = last + p;
        merged = true;
        return;
      }
    }
  }
  scratch[used++] = p;
}

/** The Sym built so far, at its exact length; resets the scratch. */
function take(): Part[] {
  if (merged) {
    for (let i = 0; i < used; i++) {
      const p = scratch[i];
      if (typeof p === 'string') scratch[i] = flat(p);
    }
    merged = false;
  }
  const out = used === 0 ? [] : used === 1 ? [scratch[0]] : scratch.slice(0, used);
  used = 0;
  return out;
}

/**
 * The same text as one flat string. A string built by `+` is a tree of its pieces, several times
 * its length while it is retained; the facts of a large app retain a few hundred thousand.
 */
export function flat(s: string): string {
  // trim() returns a flat copy; only when nothing was trimmed is it the same text.
  const t = s.trim();
  return t.length === s.length ? t : s;
}

/**
 * Builds a Sym part by part (normalised as `sym(...)` does), at its exact length. For loops that
 * would otherwise grow an array; nothing between `beginSym` and `endSym` may build another Sym.
 */
export function beginSym(): void {
  used = 0;
  merged = false;
}

export function addToSym(p: Part): void {
  put(p);
}

export function endSym(): Sym {
  return take();
}

export function literalOf(s: Sym): string | undefined {
  if (s.length === 0) return '';
  if (s.length === 1 && typeof s[0] === 'string') return s[0];
  return undefined;
}

export function symKey(s: Sym): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const p = s[i];
    out += typeof p === 'string' ? JSON.stringify(p) : `<${p.key}>`;
  }
  return out;
}

/** The first unresolved atom in a value, if any. */
export function unresolvedPart(s: Sym): OpaqueAtom | undefined {
  for (const p of s) {
    if (typeof p !== 'string' && p.kind === 'opaque' && p.unresolved) return p;
  }
  return undefined;
}

/** Splits a value on a literal delimiter; atoms never contain the delimiter. */
export function splitSym(s: Sym, delimiter: string, limit = Infinity): Sym[] {
  if (delimiter === '') return splitSymEmpty(s, limit);
  // Each piece is built already normalised (literals merged, empty ones dropped) in the scratch.
  const out: Sym[] = [];
  used = 0;
  merged = false;
  for (let k = 0; k < s.length; k++) {
    const p = s[k];
    if (typeof p !== 'string') {
      put(p);
      continue;
    }
    let from = 0;
    for (;;) {
      const at = p.indexOf(delimiter, from);
      const piece = at < 0 ? (from === 0 ? p : p.slice(from)) : p.slice(from, at);
      if (piece !== '') put(piece);
      if (at < 0) break;
      from = at + delimiter.length;
      if (out.length + 1 < limit) out.push(take());
      else put(delimiter);
    }
  }
  out.push(take());
  return out;
}

/** `Fn::Split` on '' (every character): `String.prototype.split` semantics. */
function splitSymEmpty(s: Sym, limit: number): Sym[] {
  const out: Part[][] = [[]];
  for (const p of s) {
    if (typeof p !== 'string') {
      out[out.length - 1].push(p);
      continue;
    }
    p.split('').forEach((piece, i) => {
      if (i > 0) {
        if (out.length < limit) out.push([]);
        else out[out.length - 1].push('');
      }
      if (piece !== '') out[out.length - 1].push(piece);
    });
  }
  return out.map((parts) => sym(...parts));
}

export function joinSym(items: readonly Sym[], delimiter: string): Sym {
  used = 0;
  merged = false;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) put(delimiter);
    const item = items[i];
    for (let j = 0; j < item.length; j++) put(item[j]);
  }
  return take();
}

/** Readable rendering for messages: `${Api}` for resources, `${AWS::Region}` for pseudo parameters. */
export function renderSym(s: Sym): string {
  if (s.length === 1 && typeof s[0] === 'string') return s[0];
  let out = '';
  for (let i = 0; i < s.length; i++) out += renderPart(s[i]);
  return out;
}

function renderPart(p: Part): string {
  if (typeof p === 'string') return p;
  switch (p.kind) {
    case 'res':
      return p.attr === 'Ref' ? `\${${p.logicalId}}` : `\${${p.logicalId}.${p.attr}}`;
    case 'pseudo':
      return `\${${p.name}}`;
    case 'sample':
      return `{${p.label}}`;
    default:
      return `\${${p.reason}}`;
  }
}

/** True when the literal text of the value contains `needle`. */
export function symIncludes(s: Sym, needle: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const p = s[i];
    if (typeof p === 'string' && p.includes(needle)) return true;
  }
  return false;
}


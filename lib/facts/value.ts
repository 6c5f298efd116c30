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
  return { kind: 'res', key: `res:${stack}|${logicalId}|${attr}`, stack, logicalId, attr };
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
  const out: Part[] = [];
  const push = (p: Part) => {
    if (typeof p === 'string') {
      if (p === '') return;
      const last = out[out.length - 1];
      if (typeof last === 'string') {
        out[out.length - 1] = last + p;
        return;
      }
    }
    out.push(p);
  };
  for (const p of parts) {
    if (Array.isArray(p)) (p as Sym).forEach(push);
    else push(p as Part);
  }
  return out;
}

export function literalOf(s: Sym): string | undefined {
  if (s.length === 0) return '';
  if (s.length === 1 && typeof s[0] === 'string') return s[0];
  return undefined;
}

export function symKey(s: Sym): string {
  return s.map((p) => (typeof p === 'string' ? JSON.stringify(p) : `<${p.key}>`)).join('');
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
  const out: Part[][] = [[]];
  for (const p of s) {
    if (typeof p !== 'string') {
      out[out.length - 1].push(p);
      continue;
    }
    const pieces = p.split(delimiter);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (out.length < limit) out.push([]);
        else {
          out[out.length - 1].push(delimiter);
        }
      }
      if (piece !== '') out[out.length - 1].push(piece);
    });
  }
  return out.map((parts) => sym(...parts));
}

export function joinSym(items: readonly Sym[], delimiter: string): Sym {
  const parts: Array<Part | Sym> = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(delimiter);
    parts.push(item);
  });
  return sym(...parts);
}

/** Readable rendering for messages: `${Api}` for resources, `${AWS::Region}` for pseudo parameters. */
export function renderSym(s: Sym): string {
  return s
    .map((p) => {
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
    })
    .join('');
}

/** True when the literal text of the value contains `needle`. */
export function symIncludes(s: Sym, needle: string): boolean {
  return s.some((p) => typeof p === 'string' && p.includes(needle));
}


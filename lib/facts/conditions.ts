import type { Evaluator } from './evaluate';
import { CfnResourceJson } from './template';
import { Sym, literalOf, renderSym, symKey } from './value';

/**
 * CloudFormation resource `Condition`s: a resource is created only when its condition holds. Evaluated
 * tri-state with the same evaluator as every other value, so what it cannot settle (a parameter, even
 * one with a Default; a pseudo parameter of an environment-agnostic stack; an unknown import or
 * resource attribute) is unknown here as it is in an `Fn::If` or a SourceArn.
 */

/** A resource Condition the analysed templates do not settle: the resource may or may not be created. */
export interface OpenCondition {
  /**
   * Identity: the stack and the condition's definition, so that two names for one expression are one
   * condition (a grant and a method under it are created together).
   */
  readonly key: string;
  readonly name: string;
  /** What it depends on, for messages (`parameter Env`). */
  readonly dependsOn: string;
}

/** What a condition evaluates to: true, false, or unknown (with what it depends on). */
interface Decided {
  readonly value: boolean | undefined;
  readonly why: string;
}

const TRUE: Decided = { value: true, why: '' };
const FALSE: Decided = { value: false, why: '' };
const MAX_DEPTH = 40;

/** A resource whose condition is known to be false: it is not created. */
export const ABSENT = 'absent';

/**
 * The condition a resource is created under: `ABSENT` when known false, an `OpenCondition` when
 * unknown, undefined when it has none or it holds. A stack without a `Conditions` section costs one
 * lookup (the resource entry is not read: in the construct tree that would render it).
 */
export function resourceCondition(ev: Evaluator, stack: string, r: CfnResourceJson): OpenCondition | typeof ABSENT | undefined {
  if (ev.stack(stack)?.template.Conditions == null) return undefined;
  const name = r.Condition;
  if (typeof name !== 'string') return undefined;
  return conditionsOf(ev).resource(name, stack);
}

/**
 * Keys of every open condition that holds whenever a resource with this Condition exists: its own and
 * the conjuncts of an `Fn::And` it is (`And [IsProd, IsEu]` implies `IsProd`). Undefined when none.
 */
export function impliedConditions(ev: Evaluator, stack: string, r: CfnResourceJson): readonly string[] | undefined {
  if (ev.stack(stack)?.template.Conditions == null) return undefined;
  const name = r.Condition;
  if (typeof name !== 'string') return undefined;
  const c = conditionsOf(ev);
  if (c.resource(name, stack) === undefined) return undefined;
  return c.implied(stack, { Condition: name }, 0);
}

/**
 * The value of a named condition of a stack when the templates settle it (an `Fn::If` then takes
 * that branch); undefined when they do not, or the stack has no such condition.
 */
export function decidedCondition(ev: Evaluator, name: string, stack: string): boolean | undefined {
  if (ev.stack(stack)?.template.Conditions?.[name] === undefined) return undefined;
  return conditionsOf(ev).value(name, stack);
}

const byEvaluator = new WeakMap<Evaluator, Conditions>();

function conditionsOf(ev: Evaluator): Conditions {
  let c = byEvaluator.get(ev);
  if (!c) byEvaluator.set(ev, (c = new Conditions(ev)));
  return c;
}

/** Condition evaluation for one analysis, memoised by (stack, condition name). */
class Conditions {
  private readonly decided = new Map<string, Decided>();
  private readonly open = new Map<string, OpenCondition>();

  constructor(private readonly ev: Evaluator) {}

  value(name: string, stack: string): boolean | undefined {
    return this.named(name, stack, 0).value;
  }

  resource(name: string, stack: string): OpenCondition | typeof ABSENT | undefined {
    const d = this.named(name, stack, 0);
    if (d.value === true) return undefined;
    if (d.value === false) return ABSENT;
    const k = `${stack}|${name}`;
    let o = this.open.get(k);
    if (!o) this.open.set(k, (o = { key: this.key(stack, { Condition: name }, 0), name, dependsOn: d.why }));
    return o;
  }

  /** `key` of the expression and of everything an `Fn::And` or a `Condition` reference in it implies. */
  implied(stack: string, expr: any, depth: number): string[] {
    const out = [this.key(stack, expr, depth)];
    if (depth > MAX_DEPTH || !isObject(expr)) return out;
    if (typeof expr.Condition === 'string') {
      const def = this.definition(expr.Condition, stack);
      if (def !== undefined) out.push(...this.implied(stack, def, depth + 1));
    } else if (Array.isArray(expr['Fn::And'])) {
      for (const c of expr['Fn::And']) out.push(...this.implied(stack, c, depth + 1));
    }
    return out;
  }

  /** Identity of a condition expression: a `Condition` reference is the expression it names. */
  private key(stack: string, expr: any, depth: number): string {
    if (depth <= MAX_DEPTH && isObject(expr) && typeof expr.Condition === 'string') {
      const def = this.definition(expr.Condition, stack);
      if (def !== undefined) return this.key(stack, def, depth + 1);
    }
    try {
      return `${stack}|${JSON.stringify(expr)}`;
    } catch {
      return `${stack}|#${isObject(expr) && typeof expr.Condition === 'string' ? expr.Condition : '?'}`;
    }
  }

  private definition(name: string, stack: string): any {
    return this.ev.stack(stack)?.template.Conditions?.[name];
  }

  private named(name: string, stack: string, depth: number): Decided {
    const k = `${stack}|${name}`;
    const known = this.decided.get(k);
    if (known) return known;
    // A cycle (CloudFormation rejects it) is unknown, not a stack overflow.
    this.decided.set(k, { value: undefined, why: `condition ${name}, which refers to itself` });
    const def = this.definition(name, stack);
    const d = def === undefined ? { value: undefined, why: `condition ${name}, which the template does not define` } : this.expr(def, stack, depth + 1);
    this.decided.set(k, d);
    return d;
  }

  private expr(e: any, stack: string, depth: number): Decided {
    if (depth > MAX_DEPTH) return { value: undefined, why: 'a condition nested too deep' };
    if (!isObject(e)) return { value: undefined, why: 'a malformed condition' };
    const keys = Object.keys(e);
    if (keys.length !== 1) return { value: undefined, why: 'a malformed condition' };
    const fn = keys[0];
    const arg = e[fn];
    switch (fn) {
      case 'Condition':
        return this.named(String(arg), stack, depth + 1);
      case 'Fn::Not': {
        const d = this.expr(Array.isArray(arg) ? arg[0] : arg, stack, depth + 1);
        return d.value === undefined ? d : d.value ? FALSE : TRUE;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) return { value: undefined, why: `a malformed ${fn}` };
        // And: one false decides; Or: one true decides. Otherwise unknown if any operand is.
        const decisive = fn === 'Fn::Or';
        let open: Decided | undefined;
        for (const c of arg) {
          const d = this.expr(c, stack, depth + 1);
          if (d.value === decisive) return d.value ? TRUE : FALSE;
          if (d.value === undefined) open ??= d;
        }
        return open ?? (decisive ? FALSE : TRUE);
      }
      case 'Fn::Equals':
        return this.equals(arg, stack, depth + 1);
      default:
        return { value: undefined, why: `an unsupported ${fn}` };
    }
  }

  private equals(arg: any, stack: string, depth: number): Decided {
    if (!Array.isArray(arg) || arg.length !== 2) return { value: undefined, why: 'a malformed Fn::Equals' };
    const a = this.ev.str(arg[0], stack, depth);
    const b = this.ev.str(arg[1], stack, depth);
    const la = literalOf(a);
    const lb = literalOf(b);
    if (la !== undefined && lb !== undefined) return la === lb ? TRUE : FALSE;
    if (symKey(a) === symKey(b)) return TRUE;
    if (certainlyDiffer(a, b)) return FALSE;
    return { value: undefined, why: dependsOn(la === undefined ? a : b) };
  }
}

/** True when the literal text the two values start (or end) with already differs: no deploy-time value can make them equal. */
function certainlyDiffer(a: Sym, b: Sym): boolean {
  const pa = typeof a[0] === 'string' ? a[0] : '';
  const pb = typeof b[0] === 'string' ? b[0] : '';
  if (!pa.startsWith(pb) && !pb.startsWith(pa)) return true;
  const sa = typeof a[a.length - 1] === 'string' ? a[a.length - 1] as string : '';
  const sb = typeof b[b.length - 1] === 'string' ? b[b.length - 1] as string : '';
  return !sa.endsWith(sb) && !sb.endsWith(sa);
}

/** The first value of a Sym that is not known statically, for messages. */
function dependsOn(s: Sym): string {
  for (const p of s) {
    if (typeof p === 'string') continue;
    switch (p.kind) {
      case 'opaque':
        return p.reason;
      case 'pseudo':
        return `the pseudo parameter ${p.name.split('@')[0]} of an environment-agnostic stack`;
      default:
        return `the deploy-time value ${renderSym([p])}`;
    }
  }
  return renderSym(s);
}

function isObject(x: unknown): x is Record<string, any> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

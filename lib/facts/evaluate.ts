import { decidedCondition } from './conditions';
import { CROSS_STACK_REF, CfnResourceJson, StackTemplate } from './template';
import {
  Sym, addToSym, beginSym, endSym, joinSym, literalOf, opaqueAtom, pseudoAtom, resAtom, splitSym, sym,
} from './value';

const MAX_DEPTH = 40;

/** Resource types whose `Ref` is a function name and `Arn` its ARN (SAM's too, for untransformed templates). */
export function isFunctionType(type: string | undefined): boolean {
  return type === 'AWS::Lambda::Function' || type === 'AWS::Serverless::Function';
}

/** A value that is a list once evaluated (Fn::Split, literal arrays, …). */
type ListValue = Sym[];

/**
 * Evaluates CloudFormation intrinsics into symbolic strings, across every stack of the analysis.
 *
 * Identity rules (semantics.md §6.6, architecture "The hard part: values"):
 * - `Ref`/`Fn::GetAtt` of a resource become resource atoms, except where the attribute is itself a
 *   function of other values we know: a Lambda function's `Arn` is expanded to
 *   `arn:${Partition}:lambda:${Region}:${Account}:function:${Ref F}`, an alias's `Ref` to
 *   `<function>:<name>`, a version's `Ref` to `<function ARN>:<version atom>`, a stage's `Ref` to its
 *   `StageName`. That makes every way of naming a function reduce to the same form.
 * - `Fn::ImportValue` follows the export to the exporting stack; nested-stack parameters and
 *   outputs are followed to the parent/child stack.
 * - Anything else becomes an opaque atom; unresolvable ones are marked so rules can say
 *   `Unverifiable` instead of guessing.
 */
export class Evaluator {
  private readonly stacks = new Map<string, StackTemplate>();
  private readonly exports = new Map<string, { stack: string; value: any }>();
  private readonly children = new Map<string, string>();
  /**
   * Per stack: expression object → value, for expressions reached through a reference (an export,
   * a nested stack's parameter or output, an alias/version/stage property, a mapping value): those
   * are met again and again. Expressions a collector evaluates directly are looked up but not stored:
   * each is evaluated about once, and storing a hundred thousand of them cost more than it saved.
   * Strong maps: the templates outlive the analysis anyway.
   */
  private readonly cache = new Map<string, Map<object, Sym>>();
  private lastStack: string | undefined;
  private lastCache: Map<object, Sym> | undefined;
  /** How many evaluations through a reference are under way: inside one, every object expression is stored. */
  private shared = 0;
  /** Per stack: logical id → `[Ref atom]` of a resource whose Ref is itself (one shared value, not one per reference). */
  private readonly refAtoms = new Map<string, Map<string, Sym>>();
  /** Per stack: pseudo parameter → its value. */
  private readonly pseudos = new Map<string, Map<string, Sym>>();

  constructor(stacks: readonly StackTemplate[]) {
    for (const s of stacks) this.stacks.set(s.key, s);
    for (const s of stacks) {
      for (const out of Object.values(s.template.Outputs ?? {})) {
        const name = out?.Export?.Name;
        if (name === undefined) continue;
        const lit = literalOf(this.str(name, s.key));
        if (lit !== undefined) this.exports.set(lit, { stack: s.key, value: out.Value });
      }
      if (s.parent) this.children.set(`${s.parent.stackKey}|${s.parent.logicalId}`, s.key);
    }
  }

  stack(key: string): StackTemplate | undefined {
    return this.stacks.get(key);
  }

  resource(stack: string, logicalId: string): CfnResourceJson | undefined {
    return this.stacks.get(stack)?.template.Resources?.[logicalId];
  }

  /** `literalOf(this.str(expr, stack))`, without building a value for a plain string. */
  literal(expr: any, stack: string): string | undefined {
    return typeof expr === 'string' ? expr : literalOf(this.str(expr, stack));
  }

  /** Evaluates a string-valued expression. */
  str(expr: any, stack: string, depth = 0): Sym {
    if (typeof expr === 'string' && depth <= MAX_DEPTH) return expr === '' ? [] : [expr];
    if (expr !== null && typeof expr === 'object' && !Array.isArray(expr)) {
      let byStack = stack === this.lastStack ? this.lastCache : this.cache.get(stack);
      if (!byStack) this.cache.set(stack, (byStack = new Map()));
      this.lastStack = stack;
      this.lastCache = byStack;
      const hit = byStack.get(expr);
      if (hit) return hit;
      const v = this.strUncached(expr, stack, depth);
      if (this.shared > 0) byStack.set(expr, v);
      return v;
    }
    return this.strUncached(expr, stack, depth);
  }

  /** `str` for an expression reached through a reference, which other references reach too: stored with everything it is made of. */
  private strShared(expr: any, stack: string, depth: number): Sym {
    this.shared++;
    try {
      return this.str(expr, stack, depth);
    } finally {
      this.shared--;
    }
  }

  private strUncached(expr: any, stack: string, depth: number): Sym {
    if (depth > MAX_DEPTH) return [opaqueAtom('depth', 'a reference cycle', true)];
    if (expr === undefined || expr === null) return [];
    if (typeof expr === 'string') return expr === '' ? [] : [expr];
    if (typeof expr === 'number' || typeof expr === 'boolean') return [String(expr)];
    if (Array.isArray(expr)) return [opaqueAtom('list', 'a list where a string was expected', true)];
    const fn = onlyKey(expr);
    if (fn === undefined) return [opaqueAtom('object', 'an object where a string was expected', true)];
    const arg = expr[fn];
    const d = depth + 1;
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), stack, d);
      case 'Fn::GetAtt': {
        if (Array.isArray(arg)) return this.getAtt(String(arg[0]), String(arg[1]), stack, d);
        const text = String(arg);
        const dot = text.indexOf('.');
        return this.getAtt(dot < 0 ? text : text.slice(0, dot), dot < 0 ? '' : text.slice(dot + 1), stack, d);
      }
      case CROSS_STACK_REF: {
        const [otherStack, id, attr] = arg as string[];
        return attr === 'Ref' ? this.ref(id, otherStack, d) : this.getAtt(id, attr, otherStack, d);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return [opaqueAtom('join', 'a malformed Fn::Join', true)];
        // A literal list (the common case): join as we go, as joinSym(this.list(…)) would.
        if (Array.isArray(arg[1])) return this.joinLiteralList(arg[1], String(arg[0]), stack, d);
        const list = this.list(arg[1], stack, d);
        if (!list) return [opaqueAtom('join', 'an Fn::Join over an unknown list', true)];
        return joinSym(list, String(arg[0]));
      }
      case 'Fn::Sub':
        return this.sub(arg, stack, d);
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return [opaqueAtom('select', 'a malformed Fn::Select', true)];
        const idx = Number(literalOf(this.str(arg[0], stack, d)));
        const list = this.list(arg[1], stack, d);
        if (!list || !Number.isInteger(idx) || idx < 0 || idx >= list.length) {
          return [opaqueAtom(`select:${exprKey(expr)}`, 'an Fn::Select we cannot evaluate', true)];
        }
        return list[idx];
      }
      case 'Fn::ImportValue': {
        const name = typeof arg === 'string' && d <= MAX_DEPTH ? arg : literalOf(this.str(arg, stack, d));
        const exp = name !== undefined ? this.exports.get(name) : undefined;
        if (!exp) return [opaqueAtom(`import:${name ?? exprKey(arg)}`, `Fn::ImportValue ${name ?? '(computed name)'}`, true)];
        return this.strShared(exp.value, exp.stack, d);
      }
      case 'Fn::FindInMap': {
        // A loop, not a closure: a closure over `stack` and `d` would cost every evaluation a context.
        const keys: Array<string | undefined> = [];
        for (const a of arg as any[]) keys.push(literalOf(this.str(a, stack, d)));
        const [m, k1, k2] = keys;
        const v = m !== undefined && k1 !== undefined && k2 !== undefined
          ? this.stacks.get(stack)?.template.Mappings?.[m]?.[k1]?.[k2] : undefined;
        if (v === undefined) return [opaqueAtom(`map:${exprKey(arg)}`, 'an Fn::FindInMap we cannot evaluate', true)];
        return this.strShared(v, stack, d);
      }
      case 'Fn::If': {
        const [cond, a, b] = arg as any[];
        // A condition the templates settle picks its branch (unless that branch removes the property).
        const decided = typeof cond === 'string' ? decidedCondition(this, cond, stack) : undefined;
        if (decided !== undefined && !isNoValue(decided ? a : b)) return this.str(decided ? a : b, stack, d);
        // Otherwise both branches may deploy; only a value both agree on is known.
        // `If [c, X, NoValue]` (SAM emits it inside bodies): when the property exists its value is X.
        if (isNoValue(b)) return this.str(a, stack, d);
        if (isNoValue(a)) return this.str(b, stack, d);
        const sa = this.str(a, stack, d);
        const sb = this.str(b, stack, d);
        if (JSON.stringify(sa) === JSON.stringify(sb)) return sa;
        return [opaqueAtom(`if:${exprKey(arg)}`, 'an Fn::If whose branches differ', true)];
      }
      default:
        return [opaqueAtom(`${fn}:${exprKey(arg)}`, `an unsupported ${fn}`, true)];
    }
  }

  /** `joinSym(this.list(items, stack, depth), delimiter)` for a literal array, without the intermediate list. */
  private joinLiteralList(items: any[], delimiter: string, stack: string, depth: number): Sym {
    // Evaluate first: building a Sym must not be interleaved with evaluation (value.ts). Into a
    // scratch list per depth (nested joins are deeper), as a fresh one per join was a large share of
    // what evaluation allocates; a fresh one all the same should a depth ever be busy.
    const pooled = this.joinBusy[depth] !== true;
    const values: Array<string | Sym> = pooled ? (this.joinScratch[depth] ??= []) : [];
    if (pooled) this.joinBusy[depth] = true;
    const n = items.length;
    for (let i = 0; i < n; i++) {
      const e = items[i];
      values[i] = typeof e === 'string' && depth + 1 <= MAX_DEPTH ? e : this.str(e, stack, depth + 1);
    }
    beginSym();
    for (let i = 0; i < n; i++) {
      if (i > 0) addToSym(delimiter);
      const v = values[i];
      if (typeof v === 'string') addToSym(v);
      else for (let j = 0; j < v.length; j++) addToSym(v[j]);
    }
    if (pooled) this.joinBusy[depth] = false;
    return endSym();
  }

  private readonly joinScratch: Array<Array<string | Sym>> = [];
  private readonly joinBusy: boolean[] = [];

  /** Evaluates a list-valued expression; undefined when it is not statically a list. */
  list(expr: any, stack: string, depth = 0): ListValue | undefined {
    if (Array.isArray(expr)) return this.each(expr, stack, depth + 1);
    if (expr && typeof expr === 'object') {
      if ('Fn::Split' in expr) {
        const [delim, source] = expr['Fn::Split'];
        return splitSym(this.str(source, stack, depth + 1), String(delim));
      }
      if ('Fn::If' in expr) {
        const [, a, b] = expr['Fn::If'];
        const la = this.list(a, stack, depth + 1);
        const lb = this.list(b, stack, depth + 1);
        if (la && lb && JSON.stringify(la) === JSON.stringify(lb)) return la;
      }
    }
    return undefined;
  }

  /** A list of strings where each element may be a string or a list-producing intrinsic. */
  strings(expr: any, stack: string): Sym[] {
    if (expr === undefined || expr === null) return [];
    if (Array.isArray(expr)) return this.each(expr, stack, 0);
    return this.list(expr, stack) ?? [this.str(expr, stack)];
  }

  /** `items.map((e) => this.str(e, stack, depth))`, without a closure (and its context) per call. */
  private each(items: any[], stack: string, depth: number): Sym[] {
    const out = new Array<Sym>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = this.str(items[i], stack, depth);
    return out;
  }

  private sub(arg: any, stack: string, depth: number): Sym {
    const [tpl, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [undefined, {}];
    if (typeof tpl !== 'string') return [opaqueAtom('sub', 'a malformed Fn::Sub', true)];
    const parts: Sym[] = [];
    const re = /\$\{([^}]*)\}/g;
    let last = 0;
    for (let m = re.exec(tpl); m; m = re.exec(tpl)) {
      parts.push([tpl.slice(last, m.index)]);
      last = m.index + m[0].length;
      const name = m[1].trim();
      if (name.startsWith('!')) {
        parts.push([`\${${name.slice(1)}}`]);
      } else if (Object.prototype.hasOwnProperty.call(vars, name)) {
        parts.push(this.str(vars[name], stack, depth));
      } else if (name.startsWith('AWS::') || this.isNameInTemplate(name, stack)) {
        parts.push(this.ref(name, stack, depth));
      } else if (name.includes('.') && this.resource(stack, name.split('.')[0])) {
        const [id, ...attr] = name.split('.');
        parts.push(this.getAtt(id, attr.join('.'), stack, depth));
      } else if (name.startsWith('stageVariables.')) {
        // An unescaped stage variable (API Gateway's, not CloudFormation's): keep the text (§1.1).
        parts.push([m[0]]);
      } else {
        // CloudFormation rejects the template; as a value it is unknown, never the literal text
        // (which fix mode would otherwise write into a FunctionName).
        parts.push([opaqueAtom(`sub:${stack}|${name}`, `\${${name}} in an Fn::Sub, which names no parameter or resource of the template`, true)]);
      }
    }
    parts.push([tpl.slice(last)]);
    return sym(...parts);
  }

  private isNameInTemplate(name: string, stack: string): boolean {
    const t = this.stacks.get(stack)?.template;
    return !!(t?.Resources?.[name] || t?.Parameters?.[name] !== undefined);
  }

  private ref(name: string, stack: string, depth: number): Sym {
    const s = this.stacks.get(stack);
    if (name.startsWith('AWS::')) {
      // One value per stack and pseudo parameter: every SourceArn and URI names the partition.
      let byName = this.pseudos.get(stack);
      if (!byName) this.pseudos.set(stack, (byName = new Map()));
      let v = byName.get(name);
      if (!v) byName.set(name, (v = this.pseudo(name, s)));
      return v;
    }
    const res = s?.template.Resources?.[name];
    if (res) return this.resourceRef(stack, name, res, depth);
    if (s?.template.Parameters?.[name] !== undefined) {
      // A nested stack parameter is whatever the parent passes in.
      if (s.parent) {
        const parentRes = this.resource(s.parent.stackKey, s.parent.logicalId);
        const passed = parentRes?.Properties?.Parameters?.[name];
        if (passed !== undefined) return this.strShared(passed, s.parent.stackKey, depth);
      }
      return [opaqueAtom(`param:${stack}|${name}`, `parameter ${name}`)];
    }
    return [opaqueAtom(`ref:${stack}|${name}`, `Ref ${name} (not found in the template)`, true)];
  }

  private pseudo(name: string, s: StackTemplate | undefined): Sym {
    switch (name) {
      case 'AWS::Region':
        return s?.region ? [s.region] : [pseudoAtom(name)];
      case 'AWS::AccountId':
        return s?.account ? [s.account] : [pseudoAtom(name)];
      case 'AWS::Partition':
        if (s?.region) return [s.region.startsWith('cn-') ? 'aws-cn' : s.region.includes('-gov-') ? 'aws-us-gov' : 'aws'];
        return [pseudoAtom(name)];
      case 'AWS::URLSuffix':
        return s?.region && !s.region.startsWith('cn-') ? ['amazonaws.com'] : [pseudoAtom(name)];
      default:
        return [pseudoAtom(`${name}@${s?.key ?? ''}`)];
    }
  }

  private resourceRef(stack: string, id: string, res: CfnResourceJson, depth: number): Sym {
    const p = res.Properties ?? {};
    switch (res.Type) {
      case 'AWS::Lambda::Alias':
        // Ref of an alias is its ARN: <function ARN>:<alias name> [K-CDK-ALIAS].
        return sym(this.functionArnShared(p.FunctionName, stack, depth), ':', this.strShared(p.Name, stack, depth));
      case 'AWS::Lambda::Version':
        return sym(this.functionArnShared(p.FunctionName, stack, depth), ':', resAtom(stack, id, 'Version'));
      case 'AWS::ApiGateway::Stage':
      case 'AWS::ApiGatewayV2::Stage':
        // Ref of a stage is its name [K-CDK-STAGE].
        if (p.StageName !== undefined) return this.strShared(p.StageName, stack, depth);
        return [resAtom(stack, id, 'Ref')];
      default:
        return this.refAtom(stack, id);
    }
  }

  private refAtom(stack: string, id: string): Sym {
    let byId = this.refAtoms.get(stack);
    if (!byId) this.refAtoms.set(stack, (byId = new Map()));
    let v = byId.get(id);
    if (!v) byId.set(id, (v = [resAtom(stack, id, 'Ref')]));
    return v;
  }

  /** `str({ Ref: name }, stack, depth)` for an expression made up here: evaluated, not cached (it is never met again). */
  refValue(name: string, stack: string, depth = 0): Sym {
    if (depth > MAX_DEPTH) return [opaqueAtom('depth', 'a reference cycle', true)];
    return this.ref(name, stack, depth + 1);
  }

  private getAtt(id: string, attr: string, stack: string, depth: number): Sym {
    const res = this.resource(stack, id);
    if (!res) return [opaqueAtom(`getatt:${stack}|${id}.${attr}`, `Fn::GetAtt ${id}.${attr} (not found in the template)`, true)];
    if (isFunctionType(res.Type) && attr === 'Arn') {
      return this.functionArnOf(this.refValue(id, stack, depth + 1));
    }
    if (res.Type === 'AWS::Lambda::Version' && attr === 'Version') return [resAtom(stack, id, 'Version')];
    if (res.Type === 'AWS::Lambda::Alias' && (attr === 'AliasArn' || attr === 'Arn')) return this.resourceRef(stack, id, res, depth);
    if ((res.Type === 'AWS::ApiGatewayV2::Api' && attr === 'ApiId') || (res.Type === 'AWS::ApiGateway::RestApi' && attr === 'RestApiId')) {
      return [resAtom(stack, id, 'Ref')];
    }
    if (res.Type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
      const child = this.children.get(`${stack}|${id}`);
      const out = child ? this.stacks.get(child)?.template.Outputs?.[attr.slice('Outputs.'.length)] : undefined;
      if (child && out) return this.strShared(out.Value, child, depth);
      return [opaqueAtom(`nested:${stack}|${id}.${attr}`, `nested stack output ${id}.${attr}`, true)];
    }
    return [resAtom(stack, id, attr)];
  }

  /** The full ARN of a function named by any accepted form (name, ARN, Ref, GetAtt). */
  functionArn(nameExpr: any, stack: string, depth: number): Sym {
    return this.functionArnOf(this.str(nameExpr, stack, depth + 1));
  }

  private functionArnShared(nameExpr: any, stack: string, depth: number): Sym {
    return this.functionArnOf(this.strShared(nameExpr, stack, depth + 1));
  }

  private functionArnOf(v: Sym): Sym {
    if (v.length === 1 && typeof v[0] !== 'string' && v[0].kind === 'res') {
      const target = this.resource(v[0].stack, v[0].logicalId);
      if (isFunctionType(target?.Type) && v[0].attr === 'Ref') {
        const home = v[0].stack;
        const s = this.stacks.get(home);
        return sym('arn:', this.pseudo('AWS::Partition', s), ':lambda:', this.pseudo('AWS::Region', s), ':',
          this.pseudo('AWS::AccountId', s), ':function:', v[0]);
      }
    }
    return v;
  }
}

/** The key of a one-key object; undefined for none or several (own enumerable keys, as `Object.keys`). */
function onlyKey(o: object): string | undefined {
  let first: string | undefined;
  let n = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    if (n++ > 0) return undefined;
    first = k;
  }
  return first;
}

function isNoValue(x: any): boolean {
  return !!x && typeof x === 'object' && !Array.isArray(x) && x.Ref === 'AWS::NoValue';
}

let unkeyed = 0;

/**
 * The identity of an expression we cannot evaluate (equal expressions, equal atoms). Nesting too deep
 * to stringify gets an identity of its own instead of overflowing the stack.
 */
function exprKey(expr: unknown): string {
  try {
    return JSON.stringify(expr);
  } catch {
    return `#${++unkeyed}`;
  }
}

import {
  CfnElement, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, Intrinsic, Reference, Stack,
  Tokenization,
} from 'aws-cdk-lib';
import { CROSS_STACK_REF } from './template';

/** The keys a load gives elements and stacks (tree-loader.ts RenderKeys). */
export interface LoadKeys {
  of(el: CfnElement): string;
  /** The key of an element the load has keyed already. */
  known(el: CfnElement): string | undefined;
  stackKey(stack: Stack): string;
}

/**
 * Resolves the values of one stack's elements as synthesis would, except that a reference to
 * another stack's element renders as an `Fn::X-StackRef` marker (cross-stack references become
 * Exports/ImportValue only after Aspects run) and that the stacks so referenced are recorded.
 *
 * `render` gives what `Tokenization.resolve` gives with this resolver, but walks plain data and
 * renders references and plain intrinsics itself: the CDK's walk makes a context, a post-processor
 * and a type-hint property (`Object.defineProperty`) for every token, and renders a reference as a
 * nested document around its target's logical-id token. Most tokens of an API's resources are
 * references (tens of thousands in an 8,000-route app, pseudo parameters included); rendering every
 * resource there took 2.1 s and takes 1.6 s (median of 6 alternating runs in one process). Anything
 * else (Lazy values, `Fn.*` functions, list and number tokens, token keys) is resolved the CDK's way.
 * test/facts/tree-resolver.test.ts holds the walk to the CDK's, test/facts/tree-loader.test.ts the
 * rendering to what synthesis writes.
 */
export class StackAwareResolver extends DefaultTokenResolver {
  /**
   * Token → resolved string, for this stack and this load only (fix mode's changes before an update
   * add elements and override properties, which no memoized token reads).
   * Some tokens are expensive and recur: a REST Deployment's logical id hashes its whole API each
   * time it is resolved (its own key, each Stage's DeploymentId). Only primitives are kept: synthesis
   * deep-merges property overrides into resolved objects in place.
   */
  private readonly memo = new Map<IResolvable, string | number | boolean | null | undefined>();
  /** The stacks of the cross-stack references rendered (never memoized: they render as objects). */
  readonly producers = new Set<Stack>();
  /** The same-stack reference targets whose logical id is in the memo already. */
  private readonly seeded = new WeakSet<CfnElement>();
  /** How many of the CDK's walks (`cdk`) are under way: each starts its path, and so its cycle check, afresh. */
  private nested = 0;

  constructor(private readonly consumer: Stack, private readonly keys: LoadKeys) {
    super(JOIN_CONCAT);
  }

  /** Resolves `token` (a token string) to `value` in this load. */
  public seed(token: string, value: string): void {
    const t = Tokenization.reverseString(token).firstToken;
    if (t) this.memo.set(t, value);
  }

  /** `Tokenization.resolve(value)` with this resolver (see the class comment). */
  public render(value: unknown): any {
    return this.value(value, 0);
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    // Also met inside values the CDK resolves (a Lazy's): what can be rendered here is, all the same.
    const here = this.resolveHere(t, context.documentPath.length);
    if (here !== NOT_HERE) return here;
    const v = super.resolveToken(t, context, postProcessor);
    if (v === null || typeof v !== 'object') this.memo.set(t, v);
    return v;
  }

  // The walk mirrors core/lib/private/resolve.ts `_resolve`: what it decides differently is left to it.
  private value(x: any, depth: number): any {
    switch (typeof x) {
      case 'string':
        return x.includes('Token[') || x.includes('e+289') ? this.string(x, depth) : x;
      case 'number':
        return x > -1e287 && x < 1e287 ? x : this.cdk(x);
      case 'boolean':
      case 'undefined':
        return x;
      case 'object':
        if (x === null || x instanceof Date) return x;
        if (Array.isArray(x)) return this.array(x, depth);
        if (typeof x.resolve === 'function') return this.token(x, depth);
        // A construct (the CDK throws), or deep enough to be a cycle (the CDK throws with the path).
        if ((x._children !== undefined && x._metadata !== undefined) || depth > 100) return this.cdk(x);
        return this.object(x, depth);
      default:
        return this.cdk(x);
    }
  }

  private object(x: Record<string, any>, depth: number): any {
    const keys = Object.keys(x);
    // A token as a key resolves in its map's context: the CDK's way, for the whole map.
    for (let i = 0; i < keys.length; i++) if (keys[i].includes('Token[') || keys[i].includes('e+289')) return this.cdk(x);
    const out: Record<string, any> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = this.value(x[keys[i]], depth + 1);
      if (v !== undefined) out[keys[i]] = v;
    }
    return out;
  }

  private array(x: any[], depth: number): any[] {
    // An encoded list token among the elements: the CDK resolves the list as a whole.
    for (let i = 0; i < x.length; i++) if (typeof x[i] === 'string' && x[i].includes('#{Token[')) return this.cdk(x);
    const out: any[] = [];
    for (let i = 0; i < x.length; i++) {
      const v = this.value(x[i], depth + 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** DefaultTokenResolver.resolveString with tokens resolved here. */
  private string(s: string, depth: number): any {
    // List tokens in a scalar (the CDK throws) and stringified number tokens: the CDK's way.
    if (s.includes('#{Token[') || s.includes('e+289') || !s.includes('${Token[')) return this.cdk(s);
    return Tokenization.reverseString(s).mapTokens({ mapToken: (t) => this.token(t, depth + 1) }).join(JOIN_CONCAT);
  }

  private token(t: IResolvable, depth: number): any {
    const here = this.resolveHere(t, depth);
    return here !== NOT_HERE ? here : this.cdk(t);
  }

  /** A token this resolver renders itself (a memoized value, a reference, a plain intrinsic); else NOT_HERE. */
  private resolveHere(t: IResolvable, depth: number): any {
    if (this.memo.has(t)) return this.memo.get(t);
    const ref = this.reference(t);
    if (ref !== undefined) return ref;
    // A plain Intrinsic resolves to its value, resolved in turn (`Fn.join` and the like are subclasses: the CDK's way).
    // Deep in walks of both kinds, as in a cycle through a Lazy, it is left to the CDK, whose walk then reports the cycle.
    if (isPlainIntrinsic(t) && depth <= 100 && this.nested <= MAX_NESTED) return this.value((t as any).value, depth + 1);
    return NOT_HERE;
  }

  /** A reference rendered here: a cross-stack marker, or a plain CfnReference's intrinsic; else undefined. */
  private reference(t: IResolvable): any {
    if (!Reference.isReference(t)) return undefined;
    const target = t.target;
    if (!CfnElement.isCfnElement(target)) return pseudoReference(t);
    const producer = Stack.of(target);
    if (producer !== this.consumer) {
      this.producers.add(producer);
      return { [CROSS_STACK_REF]: [this.keys.stackKey(producer), this.keys.of(target), t.displayName] };
    }
    const direct = elementReference(t, target, this.keys.known(target));
    if (direct !== undefined) return direct;
    this.seedLogicalId(target);
    return undefined;
  }

  private cdk(x: unknown): any {
    this.nested++;
    try {
      return Tokenization.resolve(x, { scope: this.consumer, resolver: this, preparing: false });
    } finally {
      this.nested--;
    }
  }

  /**
   * A reference renders its target's `logicalId` token, whose producer allocates the id anew; the
   * load has keyed the target already (a few thousand referenced elements, 0.15 s at 8,000 routes).
   */
  private seedLogicalId(target: CfnElement): void {
    if (this.seeded.has(target)) return;
    this.seeded.add(target);
    const id = this.keys.known(target);
    if (id !== undefined) this.seed(target.logicalId, id);
  }
}

const NOT_HERE = Symbol('not rendered here');

/** CDK walks nested in one another (a Lazy inside an intrinsic inside a Lazy…) beyond which intrinsics go the CDK's way. */
const MAX_NESTED = 20;

/** An `Intrinsic` itself (subclasses such as `Fn.select`'s and `Reference` resolve their own way): its value, resolved. */
function isPlainIntrinsic(t: IResolvable): boolean {
  return Object.getPrototypeOf(t) === Intrinsic.prototype;
}

const CFN_REFERENCE = Symbol.for('@aws-cdk/core.CfnReference');

/**
 * The value of a plain `CfnReference` (core/lib/private/cfn-reference.ts) that nothing replaces for
 * another stack; undefined for anything else (a subclass, a replacement), which the CDK resolves.
 */
function cfnReferenceValue(t: Reference): Record<string, any> | undefined {
  const r = t as any;
  if (!(CFN_REFERENCE in r) || r.constructor?.name !== 'CfnReference') return undefined;
  if (!(r.replacementTokens instanceof Map) || r.replacementTokens.size > 0) return undefined;
  const v = r.value;
  return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 ? v : undefined;
}

/** `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attribute] }` around the target's logical-id token (`CfnReference.for`). */
function elementReference(t: Reference, target: CfnElement, id: string | undefined): object | undefined {
  const v = id === undefined ? undefined : cfnReferenceValue(t);
  if (!v) return undefined;
  const token = target.logicalId;
  if (v.Ref !== undefined) return v.Ref === token ? { Ref: id } : undefined;
  const g = v['Fn::GetAtt'];
  if (Array.isArray(g) && g.length === 2 && g[0] === token && typeof g[1] === 'string' && !g[1].includes('Token[')) {
    return { 'Fn::GetAtt': [id, g[1]] };
  }
  return undefined;
}

/** `{ Ref: 'AWS::Region' }` and the like (`CfnReference.forPseudo`, behind `stack.region`, `stack.account`, …). */
function pseudoReference(t: Reference): object | undefined {
  const name = cfnReferenceValue(t)?.Ref;
  return typeof name === 'string' && name.startsWith('AWS::') && !name.includes('Token[') ? { Ref: name } : undefined;
}

/** Joins string fragments with tokens the way CloudFormation would: Fn::Join with an empty delimiter. */
export class JoinConcat implements IFragmentConcatenator {
  public join(left: any, right: any): any {
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    const parts = [...joinParts(left), ...joinParts(right)];
    return { 'Fn::Join': ['', parts] };
  }
}

const JOIN_CONCAT = new JoinConcat();

function joinParts(x: any): any[] {
  if (x === undefined || x === '') return [];
  if (x && typeof x === 'object' && Array.isArray(x['Fn::Join']) && x['Fn::Join'][0] === '') return x['Fn::Join'][1];
  return [x];
}

import {
  CfnElement, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, Reference, Stack,
  Token, Tokenization,
} from 'aws-cdk-lib';
import { FunctionBase } from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ResourceEntryRender } from './resource-entry';
import { CROSS_STACK_REF, StackTemplate } from './template';

/** The analysable view of a construct tree, with a way back from (stack, logical id) to constructs. */
export interface TreeSnapshot {
  readonly stacks: StackTemplate[];
  /** `${stackKey}|${logicalId}` → the L1 element. */
  readonly elements: ReadonlyMap<string, CfnElement>;
  readonly stackObjects: ReadonlyMap<string, Stack>;
  /** Elements (or stacks) that could not be rendered or read: their facts are missing from the analysis. */
  readonly unrenderable: readonly Unrenderable[];
}

export interface Unrenderable {
  readonly element: IConstruct;
  readonly error: string;
}

export function elementKey(stackKey: string, logicalId: string): string {
  return `${stackKey}|${logicalId}`;
}

/** The key of a stack in an analysis: its construct path (unique in an app, and what cdk.out reports). */
export function stackKeyOf(stack: Stack): string {
  return stack.node.path;
}

/**
 * Renders every stack of the tree to CloudFormation as synthesis would, so that property overrides
 * and escape hatches are seen as deployed. Cross-stack references, which are only turned into
 * Exports/ImportValue after Aspects run, are rendered as `Fn::X-StackRef` markers that keep the
 * producing stack in the identity (logical ids repeat across stacks).
 */
export function loadConstructTree(root: IConstruct): TreeSnapshot {
  const stacks: StackTemplate[] = [];
  const elements = new Map<string, CfnElement>();
  const stackObjects = new Map<string, Stack>();
  const unrenderable: Unrenderable[] = [];
  const keys = new RenderKeys();
  for (const stack of findStacks(root)) {
    const key = stackKeyOf(stack);
    stackObjects.set(key, stack);
    const template: Record<string, any> = {};
    const constructPaths = new Map<string, string>();
    const resolver = new StackAwareResolver(stack, keys);
    const own = ownConstructs(stack);
    const resources: Record<string, any> = (template.Resources = {});
    const resolveValue = (value: unknown) => Tokenization.resolve(value, { scope: stack, resolver, preparing: false });
    for (const el of own.elements) {
      const fail = (e: unknown) => unrenderable.push({ element: el, error: firstLine(e) });
      const render = () => {
        try {
          // `_toCloudFormation` is what synthesis itself calls: it applies overrides and escape hatches.
          return resolveValue((el as any)._toCloudFormation()) ?? {};
        } catch (e) {
          fail(e);
          return {};
        }
      };
      if (CfnResource.isCfnResource(el)) {
        // Resources are rendered when a rule first reads them: most of a large app (tables, queues,
        // buckets, roles) is never read, and rendering is the checker's main cost.
        let logicalId: string;
        try {
          logicalId = keys.of(el);
        } catch (e) {
          fail(e);
          continue;
        }
        // References to it (a Stage's DeploymentId) resolve to the same key without hashing.
        if (keys.isPlaceholder(el)) resolver.seed(el.logicalId, logicalId);
        const entry = new ResourceEntryRender(el, resolveValue, () => Object.values<any>(render().Resources ?? {})[0] ?? {}, fail);
        resources[logicalId] = new LazyResource(el.cfnResourceType, entry);
        constructPaths.set(logicalId, el.node.path);
        elements.set(elementKey(key, logicalId), el);
        continue;
      }
      for (const [section, entries] of Object.entries<any>(render())) {
        if (!entries || typeof entries !== 'object') continue;
        // Merge in place: copying the section per element would be quadratic in the stack's size.
        Object.assign((template[section] ??= {}), entries);
        for (const logicalId of Object.keys(entries)) {
          constructPaths.set(logicalId, el.node.path);
          elements.set(elementKey(key, logicalId), el);
        }
      }
    }
    const externalFunctions = own.skipPermissionImports
      .map((f) => resolveValue(f.functionArn));
    stacks.push({ ...stackIdentity(stack), template, constructPaths, externalFunctions });
  }
  return { stacks, elements, stackObjects, unrenderable };
}

/** What a StackTemplate says about its stack, whatever the template's source: key, environment, nested-stack parent. */
export function stackIdentity(stack: Stack): Pick<StackTemplate, 'key' | 'displayName' | 'account' | 'region' | 'parent'> {
  const key = stackKeyOf(stack);
  const parentStack = stack.nestedStackParent;
  const parentResource = (stack as any).nestedStackResource as CfnElement | undefined;
  return {
    key,
    displayName: key,
    account: Token.isUnresolved(stack.account) ? undefined : stack.account,
    region: Token.isUnresolved(stack.region) ? undefined : stack.region,
    parent: parentStack && parentResource ? { stackKey: stackKeyOf(parentStack), logicalId: logicalIdOf(parentResource) } : undefined,
  };
}

/**
 * An element's logical id. The CDK's own producer behind the `logicalId` token (override, else the
 * stack's allocation; `_synthesizeLogicalId`, earlier `synthesizeLogicalId`) costs a fifth of
 * resolving the token, which matters at tens of thousands of elements. What it returns may itself
 * be a token (a hash-derived override); resolving stays the fallback should that private method go.
 */
export function logicalIdOf(el: CfnElement): string {
  const produce = (el as any)._synthesizeLogicalId ?? (el as any).synthesizeLogicalId;
  const id = typeof produce === 'function' ? produce.call(el) : el.logicalId;
  return typeof id === 'string' && !Token.isUnresolved(id) ? id : el.stack.resolve(id);
}

/**
 * The logical ids one load keys elements by. A REST API's latest Deployment takes its id from an MD5
 * over the rendering of every method of the API, recomputed each time the id is resolved: at
 * thousands of methods that is most of rendering them again. Before synthesis nothing reads that id
 * except as the Deployment's own key (stages name their API, not their deployment: collect-stages.ts;
 * no rule reports on a Deployment), so the load keys it by the id the CDK appends the hash to.
 */
class RenderKeys {
  private readonly placeholders = new WeakSet<CfnElement>();

  of(el: CfnElement): string {
    const original = (el as any).originalLogicalId;
    // LatestDeploymentResource (private): its hash-derived override is a token; an id the user set is not.
    if (typeof original === 'string' && typeof (el as any).calculateLogicalId === 'function'
      && Token.isUnresolved((el as any)._logicalIdOverride)) {
      this.placeholders.add(el);
      return original;
    }
    return logicalIdOf(el);
  }

  isPlaceholder(el: CfnElement): boolean {
    return this.placeholders.has(el);
  }
}

/**
 * A resource entry whose `Type` is known now and whose other keys (`RESOURCE_ENTRY_KEYS`) are rendered on first read:
 * `Properties` on its own (all that most rules read), Condition and Metadata each on their own, the rest whole.
 * Accessors on the prototype: defining them on each entry cost more than 100 ms at 28k resources.
 * (Nothing enumerates a resource entry's keys; readers ask for them by name.)
 */
class LazyResource {
  private props: { value: any } | undefined;
  private conditionValue: { value: any } | undefined;
  private metadataValue: { value: any } | undefined;

  constructor(readonly Type: string, private readonly source: ResourceEntryRender) {}

  get Properties(): any { return (this.props ??= { value: this.source.properties() }).value; }
  get Condition(): any { return (this.conditionValue ??= { value: this.source.condition() }).value; }
  get Metadata(): any { return (this.metadataValue ??= { value: this.source.metadata() }).value; }
  get DependsOn(): any { return this.source.entry().DependsOn; }
  get DeletionPolicy(): any { return this.source.policy('DeletionPolicy'); }
  get UpdateReplacePolicy(): any { return this.source.policy('UpdateReplacePolicy'); }
  get UpdatePolicy(): any { return this.source.policy('UpdatePolicy'); }
  get CreationPolicy(): any { return this.source.policy('CreationPolicy'); }
}

export function findStacks(root: IConstruct): Stack[] {
  return root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

/**
 * One walk over the stack's own subtree (not into nested or child stacks): its CfnElements, and the
 * functions imported with `skipPermissions: true` (the user says their permissions live elsewhere).
 */
export function ownConstructs(stack: Stack): { elements: CfnElement[]; skipPermissionImports: FunctionBase[] } {
  const elements: CfnElement[] = [];
  const skipPermissionImports: FunctionBase[] = [];
  const visit = (c: IConstruct) => {
    if (CfnElement.isCfnElement(c)) elements.push(c);
    else if (c instanceof FunctionBase && (c as any)._skipPermissions === true) skipPermissionImports.push(c);
    for (const child of c.node.children) {
      if (!Stack.isStack(child)) visit(child);
    }
  };
  visit(stack);
  return { elements, skipPermissionImports };
}

class StackAwareResolver extends DefaultTokenResolver {
  /**
   * Token → resolved string, for this stack and this load only (nothing changes the tree meanwhile).
   * Some tokens are expensive and recur: a REST Deployment's logical id hashes its whole API each
   * time it is resolved (its own key, each Stage's DeploymentId). Only primitives are kept: synthesis
   * deep-merges property overrides into resolved objects in place.
   */
  private readonly memo = new Map<IResolvable, string | number | boolean | null | undefined>();

  constructor(private readonly consumer: Stack, private readonly keys: RenderKeys) {
    super(new JoinConcat());
  }

  /** Resolves `token` (a token string) to `value` in this load. */
  public seed(token: string, value: string): void {
    const t = Tokenization.reverseString(token).firstToken;
    if (t) this.memo.set(t, value);
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (this.memo.has(t)) return this.memo.get(t);
    const v = this.resolveUncached(t, context, postProcessor);
    if (v === null || typeof v !== 'object') this.memo.set(t, v);
    return v;
  }

  private resolveUncached(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (Reference.isReference(t) && CfnElement.isCfnElement(t.target)) {
      const producer = Stack.of(t.target);
      if (producer !== this.consumer) {
        const logicalId = this.keys.of(t.target as CfnElement);
        return { [CROSS_STACK_REF]: [stackKeyOf(producer), logicalId, t.displayName] };
      }
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/** Joins string fragments with tokens the way CloudFormation would: Fn::Join with an empty delimiter. */
class JoinConcat implements IFragmentConcatenator {
  public join(left: any, right: any): any {
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    const parts = [...joinParts(left), ...joinParts(right)];
    return { 'Fn::Join': ['', parts] };
  }
}

function joinParts(x: any): any[] {
  if (x === undefined || x === '') return [];
  if (x && typeof x === 'object' && Array.isArray(x['Fn::Join']) && x['Fn::Join'][0] === '') return x['Fn::Join'][1];
  return [x];
}

/** The cause of a resolution error, without the CDK's nested "Resolution error:" prefixes. */
function firstLine(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return text.replace(/^(Resolution error: )+/, '').replace(/\.+$/, '');
}

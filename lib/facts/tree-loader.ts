import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { FunctionBase } from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { RESOURCE_ENTRY_KEYS, ResourceEntryRender } from './resource-entry';
import { StackTemplate } from './template';
import { LoadKeys, StackAwareResolver } from './tree-resolver';

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
  const tree: MutableSnapshot = { stacks: [], elements: new Map(), stackObjects: new Map(), unrenderable: [] };
  const keys = new RenderKeys();
  const loaders = new Map<Stack, StackLoader>();
  for (const stack of findStacks(root)) {
    const loader = new StackLoader(stack, keys, tree);
    loaders.set(stack, loader);
    const own = ownConstructs(stack);
    for (const el of own.elements) loader.add(el);
    const externalFunctions = own.skipPermissionImports.map((f) => loader.resolveOutsideTemplate(f.functionArn));
    tree.stacks.push({ ...stackIdentity(stack), template: loader.template, constructPaths: loader.constructPaths, externalFunctions });
    tree.stackObjects.set(loader.key, stack);
  }
  LOADERS.set(tree, loaders);
  return tree;
}

/**
 * Brings a snapshot up to date after fix mode changed the tree, in place: the `added` elements are
 * rendered, the `modified` ones rendered again, and every other rendering is kept. Sound because fix
 * mode only adds constructs and overrides properties of elements it names (fix/index.ts FixChange).
 * Returns where the added resources are.
 */
export function updateConstructTree(
  tree: TreeSnapshot, added: Iterable<CfnElement>, modified: Iterable<CfnElement>,
): Array<{ stack: string; logicalId: string }> {
  const loaders = loadersOf(tree);
  const loaderOf = (el: CfnElement) => {
    const loader = loaders.get(el.stack);
    if (!loader) throw new Error(`updateConstructTree: ${el.node.path} is not in a stack of the snapshot`);
    return loader;
  };
  for (const el of modified) if (CfnResource.isCfnResource(el)) loaderOf(el).rerender(el);
  const out: Array<{ stack: string; logicalId: string }> = [];
  for (const el of added) {
    const loader = loaderOf(el);
    const logicalId = loader.addOnce(el);
    if (logicalId !== undefined && CfnResource.isCfnResource(el)) out.push({ stack: loader.key, logicalId });
  }
  return out;
}

/**
 * Which stacks the rendered tree references from which: consumer → the stacks its `Fn::X-StackRef`
 * markers name. Renders whatever no rule has read; the markers are recorded as they are rendered,
 * so this is no walk over the rendered values.
 */
export function crossStackReferences(tree: TreeSnapshot): ReadonlyMap<Stack, ReadonlySet<Stack>> {
  const loaders = loadersOf(tree);
  for (const s of tree.stacks) {
    // DependsOn and Condition name elements of their own template (and reading DependsOn renders the whole entry).
    for (const r of Object.values<any>(s.template.Resources ?? {})) {
      for (const key of RESOURCE_ENTRY_KEYS) if (key !== 'DependsOn' && key !== 'Condition') void r[key];
    }
  }
  const out = new Map<Stack, ReadonlySet<Stack>>();
  for (const [stack, loader] of loaders) out.set(stack, loader.producers);
  return out;
}

function loadersOf(tree: TreeSnapshot): Map<Stack, StackLoader> {
  const loaders = LOADERS.get(tree);
  if (!loaders) throw new Error('the snapshot was not made by loadConstructTree');
  return loaders;
}

interface MutableSnapshot extends TreeSnapshot {
  readonly stacks: StackTemplate[];
  readonly elements: Map<string, CfnElement>;
  readonly stackObjects: Map<string, Stack>;
  readonly unrenderable: Unrenderable[];
}

/** The loaders behind each snapshot, for `updateConstructTree`. */
const LOADERS = new WeakMap<TreeSnapshot, Map<Stack, StackLoader>>();

/** One stack's template, filled element by element. */
class StackLoader {
  readonly key: string;
  readonly template: Record<string, any> = { Resources: {} };
  readonly constructPaths = new Map<string, string>();
  private readonly resolver: StackAwareResolver;

  /** The other stacks this stack's rendering has referenced so far. */
  get producers(): ReadonlySet<Stack> {
    return this.resolver.producers;
  }

  constructor(private readonly stack: Stack, private readonly keys: RenderKeys, private readonly tree: MutableSnapshot) {
    this.key = stackKeyOf(stack);
    this.resolver = new StackAwareResolver(stack, keys);
  }

  readonly resolveValue = (value: unknown): any => this.resolver.render(value);

  /** A value the template does not contain: its cross-stack references are no dependencies of the stack. */
  resolveOutsideTemplate(value: unknown): any {
    return new StackAwareResolver(this.stack, this.keys).render(value);
  }

  add(el: CfnElement): void {
    if (CfnResource.isCfnResource(el)) {
      // Resources are rendered when a rule first reads them: most of a large app (tables, queues,
      // buckets, roles) is never read, and rendering is the checker's main cost.
      let logicalId: string;
      try {
        logicalId = this.keys.of(el);
      } catch (e) {
        this.fail(el, e);
        return;
      }
      // References to it (a Stage's DeploymentId) resolve to the same key without hashing.
      if (this.keys.isPlaceholder(el)) this.resolver.seed(el.logicalId, logicalId);
      this.setResource(el, logicalId);
      return;
    }
    for (const [section, entries] of Object.entries<any>(this.render(el))) {
      if (!entries || typeof entries !== 'object') continue;
      // Merge in place: copying the section per element would be quadratic in the stack's size.
      Object.assign((this.template[section] ??= {}), entries);
      for (const logicalId of Object.keys(entries)) this.place(el, logicalId);
    }
  }

  /** `add`, unless the element is in the template already; its logical id when added. */
  addOnce(el: CfnElement): string | undefined {
    let logicalId: string;
    try {
      logicalId = this.keys.of(el);
    } catch {
      this.add(el); // reports why
      return undefined;
    }
    if (this.tree.elements.has(elementKey(this.key, logicalId))) return undefined;
    this.add(el);
    return logicalId;
  }

  /** A fresh rendering of a resource added before (its properties were overridden since). */
  rerender(el: CfnResource): void {
    let logicalId: string;
    try {
      logicalId = this.keys.of(el);
    } catch {
      return; // reported when it was added
    }
    if (this.tree.elements.get(elementKey(this.key, logicalId)) !== el) return;
    const unrenderable = this.tree.unrenderable;
    for (let i = unrenderable.length - 1; i >= 0; i--) if (unrenderable[i].element === el) unrenderable.splice(i, 1);
    this.setResource(el, logicalId);
  }

  private setResource(el: CfnResource, logicalId: string): void {
    const entry = new ResourceEntryRender(el, this.resolveValue, () => Object.values<any>(this.render(el).Resources ?? {})[0] ?? {}, (e) => this.fail(el, e));
    this.template.Resources[logicalId] = new LazyResource(el.cfnResourceType, entry);
    this.place(el, logicalId);
  }

  private place(el: CfnElement, logicalId: string): void {
    this.constructPaths.set(logicalId, el.node.path);
    this.tree.elements.set(elementKey(this.key, logicalId), el);
  }

  /** The element's template fragment as synthesis renders it ({} after reporting why it failed). */
  private render(el: CfnElement): Record<string, any> {
    try {
      // `_toCloudFormation` is what synthesis itself calls: it applies overrides and escape hatches.
      return this.resolveValue((el as any)._toCloudFormation()) ?? {};
    } catch (e) {
      this.fail(el, e);
      return {};
    }
  }

  private fail(el: CfnElement, e: unknown): void {
    this.tree.unrenderable.push({ element: el, error: firstLine(e) });
  }
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
  const id = producedLogicalId(el);
  return plainId(id) ?? el.stack.resolve(id);
}

/** What the CDK's producer behind the element's `logicalId` token returns: the id, or a token (see logicalIdOf). */
export function producedLogicalId(el: CfnElement): unknown {
  const produce = (el as any)._synthesizeLogicalId ?? (el as any).synthesizeLogicalId;
  return typeof produce === 'function' ? produce.call(el) : el.logicalId;
}

/** The id when a produced logical id is a plain string; undefined when only resolving it gives the id. */
export function plainId(id: unknown): string | undefined {
  return typeof id === 'string' && !Token.isUnresolved(id) ? id : undefined;
}

/**
 * The logical ids one load keys elements by. A REST API's latest Deployment takes its id from an MD5
 * over the rendering of every method of the API, recomputed each time the id is resolved: at
 * thousands of methods that is most of rendering them again. Before synthesis nothing reads that id
 * except as the Deployment's own key (stages name their API, not their deployment: collect-stages.ts;
 * no rule reports on a Deployment), so the load keys it by the id the CDK appends the hash to.
 */
class RenderKeys implements LoadKeys {
  private readonly placeholders = new WeakSet<CfnElement>();
  /** Each element's key, once computed: the CDK allocates a logical id anew (an MD5 over its path) each time it is asked. */
  private readonly ids = new Map<CfnElement, string>();

  of(el: CfnElement): string {
    let id = this.ids.get(el);
    if (id === undefined) {
      id = this.compute(el);
      this.ids.set(el, id);
    }
    return id;
  }

  /** The key of an element this load has already keyed. */
  known(el: CfnElement): string | undefined {
    return this.ids.get(el);
  }

  stackKey(stack: Stack): string {
    return stackKeyOf(stack);
  }

  private compute(el: CfnElement): string {
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

/** The cause of a resolution error, without the CDK's nested "Resolution error:" prefixes. */
function firstLine(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return text.replace(/^(Resolution error: )+/, '').replace(/\.+$/, '');
}

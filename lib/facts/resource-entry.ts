import { CfnResource } from 'aws-cdk-lib';

/** The keys of a resource entry besides `Type`: what `LazyResource` renders on first read. */
export const RESOURCE_ENTRY_KEYS = [
  'Properties', 'Condition', 'DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy',
] as const;

/** Resolves a value with the load's resolver (cross-stack references become markers). */
export type Resolve = (value: unknown) => any;

/**
 * One resource entry rendered on demand: `Properties` alone, or the other keys.
 *
 * The CDK's own `CfnResource._toCloudFormation` (what synthesis calls) wraps the entry in post-resolve
 * tokens, resolves the logical id again, and deep-merges the raw overrides: about 40 % of rendering a
 * resource at tens of thousands of resources. When an element has nothing that wrapper adds (no raw
 * overrides, no rendering of its own, no update/creation/deletion policies) the same entry is built
 * from its parts here: its `cfnProperties` resolved, then mapped by its own `renderProperties`, as the
 * wrapper does (an error is the same error: it comes from resolving or from `renderProperties`).
 * Anything else goes the CDK's way. test/facts/resource-entry.test.ts holds both ways equal over a
 * wide set of constructs.
 */
export class ResourceEntryRender {
  private full: Record<string, any> | undefined;
  /** Whether the lean way applies: decided on first read (most entries of a large app are never read). */
  private leanOk: boolean | undefined;

  /**
   * @param renderFull the entry as synthesis renders it ({} when that fails, after reporting why)
   * @param fail reports why the lean rendering failed (the key then reads as absent, as after a failed full render)
   */
  constructor(
    private readonly el: CfnResource,
    private readonly resolve: Resolve,
    private readonly renderFull: () => Record<string, any>,
    private readonly fail: (error: unknown) => void,
  ) {}

  properties(): any {
    return this.lean ? this.attempt(() => leanProperties(this.el, this.resolve)) : this.entry().Properties;
  }

  condition(): any {
    return this.lean ? this.attempt(() => this.resolve(this.el.cfnOptions.condition?.logicalId)) : this.entry().Condition;
  }

  metadata(): any {
    return this.lean ? this.attempt(() => ignoreEmpty(this.resolve(this.el.cfnOptions.metadata))) : this.entry().Metadata;
  }

  /** DeletionPolicy, UpdateReplacePolicy, UpdatePolicy or CreationPolicy: none when rendered lean. */
  policy(key: 'DeletionPolicy' | 'UpdateReplacePolicy' | 'UpdatePolicy' | 'CreationPolicy'): any {
    return this.lean ? undefined : this.entry()[key];
  }

  /** The whole entry as synthesis renders it. */
  entry(): Record<string, any> {
    return (this.full ??= this.renderFull());
  }

  private get lean(): boolean {
    return (this.leanOk ??= canRenderLean(this.el));
  }

  private attempt(render: () => any): any {
    try {
      return render();
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }
}

const BASE_TO_CLOUDFORMATION = (CfnResource.prototype as any)._toCloudFormation;

function canRenderLean(el: CfnResource): boolean {
  const r = el as any;
  if (r._toCloudFormation !== BASE_TO_CLOUDFORMATION || typeof r.renderProperties !== 'function') return false;
  if (!r.rawOverrides || typeof r.rawOverrides !== 'object' || Object.keys(r.rawOverrides).length > 0) return false;
  const o = el.cfnOptions;
  // Rendered through the CDK's internal property capitalisation: leave them to the full entry.
  if (o.creationPolicy !== undefined || o.updatePolicy !== undefined || o.updateReplacePolicy !== undefined || o.deletionPolicy !== undefined) {
    return false;
  }
  // Not synthesized at all (CfnResource.shouldSynthesize): the full entry renders it as nothing.
  return typeof r.shouldSynthesize !== 'function' || r.shouldSynthesize() === true;
}

/** What `_toCloudFormation` renders as `Properties`: empty resolved properties count as none. */
function leanProperties(el: CfnResource, resolve: Resolve): any {
  const resolved = ignoreEmpty(resolve((el as any).cfnProperties));
  const rendered = (el as any).renderProperties(resolved ?? {});
  if (!rendered) return rendered;
  return Object.values(rendered).some((v) => v !== undefined) ? rendered : undefined;
}

/** The CDK's `ignoreEmpty`: an empty object or list renders as nothing. */
function ignoreEmpty(v: any): any {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0) return undefined;
  return v;
}

import { ISynthesisSession, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Adds annotations after their stack's artifact was emitted: `write` annotates `target` as usual
 * (Annotations.of), and the metadata entries it adds are carried into the stack's artifact.
 */
export type LateAnnotate = (target: IConstruct, write: () => void) => void;

/**
 * Runs `job` as soon as every stack of `stage` (top-level and nested) has been synthesized: all
 * templates are written, the manifest is not yet. Annotations made through `job`'s `annotate` reach
 * the cloud assembly exactly as if they had been made before synthesis, so `cdk synth` fails on
 * errors and `Annotations.fromStack` sees them.
 *
 * Why: analysing before synthesis means rendering every stack to CloudFormation, which costs as much
 * as synthesis renders it again; after synthesis the templates can simply be read back.
 *
 * How, with public interfaces only: each stack's `IStackSynthesizer.synthesize` is wrapped for one
 * synthesis; while it runs, `session.assembly.addArtifact` (CloudAssemblyBuilder) is observed to
 * keep the stack's artifact manifest. After the last stack, the manifests of stacks that got new
 * annotations are added again (same id: replaced in place, order kept) with those entries in their
 * inline `metadata`, which cloud-assembly readers merge with the metadata file. The CDK's own output
 * is never altered otherwise.
 *
 * Returns false (nothing installed) when a synthesizer cannot be wrapped; the caller then analyses
 * before synthesis instead.
 */
export function afterStageSynthesized(stage: Stage, job: (annotate: LateAnnotate) => void): boolean {
  const stacks = stage.node.findAll().filter((c): c is Stack => Stack.isStack(c) && Stage.of(c) === stage);
  const synthesizers = new Set<unknown>();
  for (const s of stacks) {
    const synth = s.synthesizer as any;
    // A synthesizer shared by two stacks, or one we cannot replace a method on, is left alone.
    if (!synth || typeof synth.synthesize !== 'function' || synthesizers.has(synth) || !Object.isExtensible(synth)) return false;
    synthesizers.add(synth);
  }
  if (stacks.length === 0) return false;

  let pending = new Set(stacks);
  let finished = false;
  const manifests = new Map<Stack, { builder: any; manifest: any }>();
  const restorers: Array<() => void> = [];
  for (const stack of stacks) {
    const synth = stack.synthesizer as any;
    restorers.push(replaceMethod(synth, 'synthesize', (original) => function wrapped(this: unknown, session: ISynthesisSession) {
      // Another hook may have wrapped this one since; once done, it only passes through.
      if (finished) return original.call(this, session);
      // A stack seen twice before the last one means an earlier synthesis failed half-way: start over.
      if (!pending.has(stack)) pending = new Set(stacks);
      observeArtifacts(session, stack, manifests, () => original.call(this, session));
      pending.delete(stack);
      if (pending.size > 0) return;
      finished = true;
      restorers.forEach((r) => r());
      reemit(stage, manifests, job);
    }));
  }
  return true;
}

/** Calls `synthesize` while keeping the manifest the stack's synthesizer adds for it. */
function observeArtifacts(session: ISynthesisSession, stack: Stack, into: Map<Stack, { builder: any; manifest: any }>, synthesize: () => void): void {
  const builder = session.assembly as any;
  const restore = replaceMethod(builder, 'addArtifact', (original) => function observed(this: unknown, id: string, manifest: any) {
    if (id === stack.artifactId) into.set(stack, { builder, manifest });
    return original.call(this, id, manifest);
  });
  try {
    synthesize();
  } finally {
    restore();
  }
}

/** Runs the job, then adds the stacks' artifacts again with the metadata entries it produced. */
function reemit(stage: Stage, manifests: ReadonlyMap<Stack, { builder: any; manifest: any }>, job: (annotate: LateAnnotate) => void): void {
  const added = new Map<Stack, Map<string, unknown[]>>();
  const unplaced: string[] = [];
  job((target, write) => {
    const before = target.node.metadata.length;
    write();
    const entries = target.node.metadata.slice(before);
    // Stacks of other Stages were synthesized (and their manifests written) before this one.
    if (entries.length === 0 || Stage.of(target) !== stage) return;
    const owner = artifactStackOf(target, manifests);
    if (!owner) {
      unplaced.push(target.node.path);
      return;
    }
    const byPath = added.get(owner) ?? new Map<string, unknown[]>();
    added.set(owner, byPath);
    // The key synthesis uses for a construct's metadata: its absolute path.
    const key = `/${target.node.path}`;
    byPath.set(key, [...(byPath.get(key) ?? []), ...entries]);
  });
  if (unplaced.length) {
    // Never a silent pass: findings that cannot reach the cloud assembly stop synthesis instead.
    throw new Error(`ApiGatewayLambdaPermissions: no stack artifact was synthesized for ${unplaced.join(', ')}, so its findings `
      + 'cannot be reported in the cloud assembly; use a standard stack synthesizer, or the ApiGatewayLambdaChecks validation plugin');
  }
  for (const [stack, byPath] of added) {
    const emitted = manifests.get(stack)!;
    const metadata: Record<string, unknown[]> = { ...(emitted.manifest.metadata ?? {}) };
    for (const [key, entries] of byPath) metadata[key] = [...(metadata[key] ?? []), ...entries];
    emitted.builder.addArtifact(stack.artifactId, { ...emitted.manifest, metadata });
  }
}

/**
 * The stack whose artifact carries a construct's metadata: its own, or for nested stacks (and other
 * stacks synthesized into a parent, such as Service Catalog product stacks) the closest enclosing
 * stack that emitted an artifact.
 */
function artifactStackOf(c: IConstruct, manifests: ReadonlyMap<Stack, unknown>): Stack | undefined {
  for (let scope: IConstruct | undefined = c; scope; scope = scope.node.scope) {
    if (Stack.isStack(scope) && manifests.has(scope)) return scope;
  }
  return undefined;
}

/**
 * Replaces an object's method with a wrapper; returns the undo (own property restored or removed),
 * which leaves the method alone if someone wrapped it again meanwhile.
 */
function replaceMethod(obj: any, name: string, wrap: (original: (...args: any[]) => any) => (...args: any[]) => any): () => void {
  const own = Object.prototype.hasOwnProperty.call(obj, name);
  const original = obj[name];
  const wrapper = wrap(original);
  obj[name] = wrapper;
  return () => {
    if (obj[name] !== wrapper) return;
    if (own) obj[name] = original;
    else delete obj[name];
  };
}

import { Stack, Stage } from 'aws-cdk-lib';
import { TreeSnapshot, crossStackReferences } from '../facts/tree-loader';

/**
 * Which deployable stack depends on which, as the CDK will wire it: every cross-stack reference in
 * the tree (the loader's `Fn::X-StackRef` markers, which become Exports/ImportValue after Aspects
 * run) plus explicit `addDependency` calls. Nested stacks count as part of their top-level stack:
 * references between a nested stack and its parents become parameters/outputs, not stack order.
 */
export class StackGraph {
  private readonly edges = new Map<Stack, Set<Stack>>();

  constructor(tree: TreeSnapshot) {
    for (const [consumer, producers] of crossStackReferences(tree)) {
      for (const producer of producers) this.add(consumer, producer);
    }
    for (const stack of tree.stackObjects.values()) {
      for (const dep of stack.dependencies) this.add(stack, dep);
    }
  }

  /**
   * The first candidate that may reference every producer: same CDK Stage, same environment, and
   * no existing path from a producer back to it (which would make a cycle). Records the new
   * dependencies of the chosen stack, so later choices see them.
   */
  choose(candidates: readonly Stack[], producers: readonly Stack[]): Stack | undefined {
    for (const c of candidates) {
      if (producers.every((p) => this.canReference(c, p))) {
        for (const p of producers) this.add(c, p);
        return c;
      }
    }
    return undefined;
  }

  private canReference(consumer: Stack, producer: Stack): boolean {
    const a = top(consumer);
    const b = top(producer);
    if (a === b) return true;
    if (Stage.of(a) !== Stage.of(b)) return false;
    // The CDK only wires references between stacks of the same environment.
    if (a.environment !== b.environment) return false;
    return !this.reaches(b, a);
  }

  private add(consumer: Stack, producer: Stack): void {
    const a = top(consumer);
    const b = top(producer);
    if (a === b) return;
    let set = this.edges.get(a);
    if (!set) this.edges.set(a, (set = new Set()));
    set.add(b);
  }

  private reaches(from: Stack, to: Stack): boolean {
    const seen = new Set<Stack>();
    const stack = [from];
    while (stack.length) {
      const s = stack.pop()!;
      if (s === to) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(this.edges.get(s) ?? []));
    }
    return false;
  }
}

/** The deployable stack a (possibly nested) stack belongs to. */
export function top(stack: Stack): Stack {
  let s = stack;
  while (s.nestedStackParent) s = s.nestedStackParent;
  return s;
}

import { Stack, Stage } from 'aws-cdk-lib';
import { RESOURCE_ENTRY_KEYS } from '../facts/resource-entry';
import { TreeSnapshot } from '../facts/tree-loader';
import { CROSS_STACK_REF } from '../facts/template';

/**
 * Which deployable stack depends on which, as the CDK will wire it: every cross-stack reference in
 * the tree (the loader's `Fn::X-StackRef` markers, which become Exports/ImportValue after Aspects
 * run) plus explicit `addDependency` calls. Nested stacks count as part of their top-level stack:
 * references between a nested stack and its parents become parameters/outputs, not stack order.
 */
export class StackGraph {
  private readonly edges = new Map<Stack, Set<Stack>>();

  constructor(tree: TreeSnapshot) {
    for (const s of tree.stacks) {
      const consumer = tree.stackObjects.get(s.key);
      if (!consumer) continue;
      const onRef = (producerKey: string) => {
        const producer = tree.stackObjects.get(producerKey);
        if (producer) this.add(consumer, producer);
      };
      for (const [section, entries] of Object.entries<any>(s.template)) {
        if (section !== 'Resources') {
          walk(entries, onRef);
          continue;
        }
        // Resource entries render on first read and have no own keys to enumerate (tree-loader.ts).
        // DependsOn names resources of the same stack only (a dependency on another stack's resource
        // becomes a stack dependency, read below), so it is skipped: reading it renders the whole entry.
        for (const r of Object.values<any>(entries ?? {})) {
          for (const key of RESOURCE_ENTRY_KEYS) if (key !== 'DependsOn') walk(r?.[key], onRef);
        }
      }
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

function walk(node: any, onRef: (stackKey: string) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) if (x && typeof x === 'object') walk(x, onRef);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // for…in rather than Object.entries: this visits every rendered value of the app.
  for (const k in node) {
    const v = node[k];
    if (k === CROSS_STACK_REF && Array.isArray(v)) onRef(String(v[0]));
    else if (v && typeof v === 'object') walk(v, onRef);
  }
}

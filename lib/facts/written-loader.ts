import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { pathsFromMetadata } from './assembly-loader';
import { StackTemplate } from './template';
import { TreeSnapshot, Unrenderable, elementKey, findStacks, logicalIdOf, ownConstructs, stackIdentity, stackKeyOf } from './tree-loader';

/**
 * The construct tree's stacks as synthesis wrote them: each stack's template is read back from its
 * Stage's output directory instead of being rendered a second time (rendering costs as much as the
 * CDK's own synthesis of the same resources). Only valid once every stack under `root` has been
 * synthesized: after synthesis (validation plugins) or from the Aspect's post-synthesis hook.
 *
 * The tree still supplies what templates cannot: which construct a logical id belongs to (looked up
 * only for stacks that have findings), the nested-stack structure, and functions imported with
 * `skipPermissions: true` (semantics.md C54).
 */
export function loadWrittenTemplates(root: IConstruct, templatePaths: ReadonlyMap<string, string> = new Map()): TreeSnapshot {
  const stacks: StackTemplate[] = [];
  const stackObjects = new Map<string, Stack>();
  const ownElements = new Map<string, CfnElement[]>();
  const unrenderable: Unrenderable[] = [];
  for (const stack of findStacks(root)) {
    const key = stackKeyOf(stack);
    stackObjects.set(key, stack);
    const own = ownConstructs(stack);
    ownElements.set(key, own.elements);
    const file = templatePaths.get(key) ?? templateFileOf(stack);
    let template: any;
    try {
      template = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      unrenderable.push({ element: stack, error: `its synthesized template ${file} cannot be read (${(e as Error).message.split('\n')[0]})` });
      continue;
    }
    stacks.push({
      ...stackIdentity(stack),
      template,
      constructPaths: pathsFromMetadata(template),
      // After synthesis, references resolve to their final template form (ImportValue, nested parameters).
      externalFunctions: own.skipPermissionImports.map((f) => stack.resolve(f.functionArn)),
    });
  }
  return { stacks, elements: new LazyElements(stackObjects, ownElements), stackObjects, unrenderable };
}

/** Where the stack's Stage wrote its template (nested stacks are written beside their parents). */
function templateFileOf(stack: Stack): string {
  return path.join(Stage.of(stack)?.outdir ?? '.', stack.templateFile);
}

/**
 * `${stackKey}|${logicalId}` → element, indexed per stack on first lookup: resolving every element's
 * logical id costs a hash per construct, and only the few stacks with findings are ever looked up.
 */
class LazyElements implements ReadonlyMap<string, CfnElement> {
  private readonly indexed = new Map<string, Map<string, CfnElement>>();

  constructor(
    private readonly stackObjects: ReadonlyMap<string, Stack>,
    private readonly ownElements: ReadonlyMap<string, CfnElement[]>,
  ) {}

  public get size(): number {
    return this.all().size;
  }

  public get(key: string): CfnElement | undefined {
    const bar = key.lastIndexOf('|');
    return this.stackIndex(key.slice(0, bar))?.get(key.slice(bar + 1));
  }

  public has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  public forEach(cb: (value: CfnElement, key: string, map: ReadonlyMap<string, CfnElement>) => void): void {
    this.all().forEach((v, k) => cb(v, k, this));
  }

  public entries(): MapIterator<[string, CfnElement]> {
    return this.all().entries();
  }

  public keys(): MapIterator<string> {
    return this.all().keys();
  }

  public values(): MapIterator<CfnElement> {
    return this.all().values();
  }

  public [Symbol.iterator](): MapIterator<[string, CfnElement]> {
    return this.entries();
  }

  private stackIndex(stackKey: string): Map<string, CfnElement> | undefined {
    let index = this.indexed.get(stackKey);
    if (!index && this.stackObjects.has(stackKey)) {
      index = new Map();
      for (const el of this.ownElements.get(stackKey) ?? []) index.set(logicalIdOf(el), el);
      this.indexed.set(stackKey, index);
    }
    return index;
  }

  private all(): Map<string, CfnElement> {
    const out = new Map<string, CfnElement>();
    for (const stackKey of this.stackObjects.keys()) {
      for (const [id, el] of this.stackIndex(stackKey) ?? []) out.set(elementKey(stackKey, id), el);
    }
    return out;
  }
}

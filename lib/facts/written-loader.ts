import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { pathsFromMetadata } from './assembly-loader';
import { StackTemplate } from './template';
import {
  TreeSnapshot, Unrenderable, elementKey, findStacks, ownConstructs, plainId, producedLogicalId, stackIdentity, stackKeyOf,
} from './tree-loader';

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
 * logical id costs a hash per construct, and only the stacks with findings are ever looked up.
 */
class LazyElements implements ReadonlyMap<string, CfnElement> {
  private readonly indexed = new Map<string, StackElements>();

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

  private stackIndex(stackKey: string): StackElements | undefined {
    let index = this.indexed.get(stackKey);
    if (!index && this.stackObjects.has(stackKey)) {
      index = new StackElements(this.ownElements.get(stackKey) ?? []);
      this.indexed.set(stackKey, index);
    }
    return index;
  }

  private all(): Map<string, CfnElement> {
    const out = new Map<string, CfnElement>();
    for (const stackKey of this.stackObjects.keys()) {
      this.stackIndex(stackKey)?.all().forEach((el, id) => out.set(elementKey(stackKey, id), el));
    }
    return out;
  }
}

/**
 * One stack's elements by logical id. Ids the CDK allocates from construct paths are indexed at
 * once; ids that are tokens are resolved only when a lookup misses: a REST API's latest Deployment
 * hashes the rendering of every method of its API, a function's `currentVersion` the function's
 * configuration, and at 8,000 routes resolving those few hundred ids cost two thirds of mapping
 * findings to constructs. Findings are seldom on them (no rule reports on a Deployment).
 */
class StackElements {
  private readonly byId = new Map<string, CfnElement>();
  /** Elements whose produced id is a token, with that token. */
  private deferred: Array<[CfnElement, unknown]> = [];

  constructor(elements: readonly CfnElement[]) {
    for (const el of elements) {
      const produced = producedLogicalId(el);
      const id = plainId(produced);
      if (id === undefined) this.deferred.push([el, produced]);
      else this.byId.set(id, el);
    }
  }

  get(logicalId: string): CfnElement | undefined {
    return this.byId.get(logicalId) ?? (this.deferred.length > 0 ? this.all().get(logicalId) : undefined);
  }

  all(): ReadonlyMap<string, CfnElement> {
    for (const [el, produced] of this.deferred) this.byId.set(el.stack.resolve(produced), el);
    this.deferred = [];
    return this.byId;
  }
}

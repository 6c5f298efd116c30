import { BuildContext, UNKNOWN_STAGE } from './build-context';
import { collectAuthorizers } from './collect-authorizers';
import { collectOpenApiBodies } from './collect-openapi';
import { collectRestMethods } from './collect-rest';
import { collectApis, collectStages } from './collect-stages';
import { collectQuickCreate, collectV2Integrations } from './collect-v2';
import { ABSENT, resourceCondition } from './conditions';
import { Evaluator, isFunctionType } from './evaluate';
import { Facts, Res } from './facts';
import { PhysicalNames, parseFunctionRef, physicalNameKeys } from './function-ref';
import { extractGrants, permissionGrant } from './grants';
import { Grant } from './model';
import { CfnResourceJson, StackTemplate } from './template';

export { Facts } from './facts';

/**
 * Lists every resource by type, and functions with a literal name by that name. A function of its
 * own (a loop over every resource, optimised on its own); loops are indexed throughout, as this
 * runs cold, where each step of a for-of allocates an iterator result.
 */
function indexResources(f: Facts, ev: Evaluator): void {
  let lastType = '';
  let lastList: Res[] = [];
  for (let si = 0; si < f.stacks.length; si++) {
    const s = f.stacks[si];
    const resources = s.template.Resources ?? {};
    // A resource whose Condition is false is not created: no collector or rule sees it.
    const conditional = s.template.Conditions != null;
    // Object.keys, not entries: no pair per resource (tens of thousands in a large app).
    const ids = Object.keys(resources);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const r = resources[id];
      if (!r || typeof r !== 'object' || typeof r.Type !== 'string') continue;
      if (conditional && resourceCondition(ev, s.key, r) === ABSENT) continue;
      // Templates list resources of a type together: most steps skip the map.
      if (r.Type !== lastType) {
        let list = f.byType.get(r.Type);
        if (!list) f.byType.set(r.Type, (list = []));
        lastType = r.Type;
        lastList = list;
      }
      lastList.push({ stack: s.key, id, r });
      if (isFunctionType(r.Type)) indexPhysicalName(f, ev, s, id, r);
    }
  }
}

function indexPhysicalName(f: Facts, ev: Evaluator, s: StackTemplate, id: string, r: CfnResourceJson): void {
  const name = ev.literal(r.Properties?.FunctionName, s.key);
  if (!name) return;
  for (const k of physicalNameKeys(name, s.account, s.region)) f.physicalNames.set(k, { stack: s.key, logicalId: id });
}

/** Builds the facts of an analysis: one pass to index resources, then one collector per kind of fact. */
export function buildFacts(stacks: readonly StackTemplate[]): Facts {
  const ev = new Evaluator(stacks);
  const f = new Facts(stacks, ev);
  indexResources(f, ev);
  const ctx = new BuildContext(f, ev);
  collectApis(ctx);
  collectStages(ctx);
  ctx.stagesCollected = true;
  for (const api of f.apis.values()) {
    if (api.stages.length === 0) api.stages.push(UNKNOWN_STAGE);
  }
  collectRestMethods(ctx);
  collectV2Integrations(ctx);
  collectQuickCreate(ctx);
  collectAuthorizers(ctx);
  collectOpenApiBodies(ctx);
  for (const s of f.stacks) {
    for (const expr of s.externalFunctions ?? []) {
      const parsed = parseFunctionRef(ev.str(expr, s.key), ev, f.physicalNames as PhysicalNames);
      if (parsed.ok) f.externalFunctions.add(parsed.ref.fnKey);
    }
  }
  addGrants(f, extractGrants(f, ev, f.physicalNames));
  for (let i = 0; i < f.invocations.length; i++) {
    const inv = f.invocations[i];
    let list = f.invocationsByApi.get(inv.api.key);
    if (!list) f.invocationsByApi.set(inv.api.key, (list = []));
    list.push(inv);
  }
  return f;
}

function addGrants(f: Facts, grants: readonly Grant[]): void {
  for (let i = 0; i < grants.length; i++) {
    const g = grants[i];
    f.grants.push(g);
    if (!g.ref) continue;
    let list = f.grantsByFunction.get(g.ref.fnKey);
    if (!list) f.grantsByFunction.set(g.ref.fnKey, (list = []));
    list.push(g);
  }
}

const PERMISSION = 'AWS::Lambda::Permission';

/**
 * The facts of the same templates after resources were added to them (fix mode's grants, see
 * tree-loader.ts updateConstructTree), without building them anew: possible when every added
 * resource is an `AWS::Lambda::Permission`, which adds one grant and nothing any other fact reads.
 * Otherwise undefined: build them anew. Resources and grants keep the order a full build gives
 * them (stack by stack, the added ones last in their stack); test/facts/extend-facts.test.ts holds
 * the two equal.
 */
export function extendFacts(prev: Facts, added: ReadonlyArray<{ readonly stack: string; readonly logicalId: string }>): Facts | undefined {
  const ev = prev.ev;
  const fresh = new Map<string, Res[]>();
  const seen = new Set<string>();
  for (const a of added) {
    const key = `${a.stack}|${a.logicalId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = ev.resource(a.stack, a.logicalId);
    if (!r || r.Type !== PERMISSION) return undefined;
    let list = fresh.get(a.stack);
    if (!list) fresh.set(a.stack, (list = []));
    list.push({ stack: a.stack, id: a.logicalId, r });
  }
  const f = new Facts(prev.stacks, ev);
  prev.apis.forEach((v, k) => f.apis.set(k, v));
  prev.byType.forEach((v, k) => f.byType.set(k, v));
  prev.invocationsByApi.forEach((v, k) => f.invocationsByApi.set(k, v));
  prev.physicalNames.forEach((v, k) => f.physicalNames.set(k, v));
  prev.externalFunctions.forEach((k) => f.externalFunctions.add(k));
  for (const x of prev.invocations) f.invocations.push(x);
  for (const x of prev.unknowables) f.unknowables.push(x);
  // extractGrants made one grant per permission, in the permissions' order, then the resource policies'.
  const before = prev.resources(PERMISSION);
  const permissions: Res[] = [];
  const grants: Grant[] = [];
  let i = 0;
  for (const s of prev.stacks) {
    for (; i < before.length && before[i].stack === s.key; i++) {
      permissions.push(before[i]);
      grants.push(prev.grants[i]);
    }
    for (const res of fresh.get(s.key) ?? []) {
      permissions.push(res);
      grants.push(permissionGrant(res, ev, f.physicalNames));
    }
  }
  // A stack's permissions not together (they always are: indexResources goes stack by stack), or an
  // added one in no stack of the facts: build anew.
  if (i !== before.length || permissions.length !== before.length + seen.size) return undefined;
  for (let j = before.length; j < prev.grants.length; j++) grants.push(prev.grants[j]);
  f.byType.set(PERMISSION, permissions);
  addGrants(f, grants);
  return f;
}

import { BuildContext, UNKNOWN_STAGE } from './build-context';
import { collectAuthorizers } from './collect-authorizers';
import { collectOpenApiBodies } from './collect-openapi';
import { collectRestMethods } from './collect-rest';
import { collectApis, collectStages } from './collect-stages';
import { collectQuickCreate, collectV2Integrations } from './collect-v2';
import { Evaluator, isFunctionType } from './evaluate';
import { Facts, Res } from './facts';
import { PhysicalNames, parseFunctionRef, physicalNameKeys } from './function-ref';
import { extractGrants } from './grants';
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
    // Object.keys, not entries: no pair per resource (tens of thousands in a large app).
    const ids = Object.keys(resources);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const r = resources[id];
      if (!r || typeof r !== 'object' || typeof r.Type !== 'string') continue;
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
  const grants = extractGrants(f, ev, f.physicalNames);
  for (let i = 0; i < grants.length; i++) {
    const g = grants[i];
    f.grants.push(g);
    if (!g.ref) continue;
    let list = f.grantsByFunction.get(g.ref.fnKey);
    if (!list) f.grantsByFunction.set(g.ref.fnKey, (list = []));
    list.push(g);
  }
  for (let i = 0; i < f.invocations.length; i++) {
    const inv = f.invocations[i];
    let list = f.invocationsByApi.get(inv.api.key);
    if (!list) f.invocationsByApi.set(inv.api.key, (list = []));
    list.push(inv);
  }
  return f;
}

import { arnComponents } from '../facts/arn-like';
import { refKey, refLabel } from '../facts/function-ref';
import { isAtom, literalOf, renderSym, resAtom, splitSym, symKey } from '../facts/value';
import { RuleDefinition, RuleFinding } from './rule';

export const StalePermission: RuleDefinition = {
  id: 'ApiGwLambda-StalePermission',
  defaultSeverity: 'warning',
  summary: 'A grant to API Gateway names an API of this app that does not route to that function reference, or a literal API id not in the app.',
  rationale: 'Leftover grants widen the function\'s attack surface and usually mean an integration was moved to another '
    + 'function, alias or API while its permission was not (semantics.md §7.6.8-9).',
  fixable: false,
  check: (facts) => {
    const routed = new Map<string, Set<string>>();
    for (const inv of facts.invocations) {
      let set = routed.get(inv.api.key);
      if (!set) routed.set(inv.api.key, (set = new Set()));
      for (const p of inv.paths) if (p.ref) set.add(refKey(p.ref));
    }
    const opaqueApis = new Set(facts.unknowables.map((u) => symKey([resAtom(u.site.stack, u.site.logicalId, 'Ref')])));
    const out: RuleFinding[] = [];
    for (const g of facts.grants) {
      if (g.effect !== 'Allow' || g.principal !== 'apigateway' || !g.ref || !g.sourceArns) continue;
      for (const pattern of g.sourceArns) {
        const c = arnComponents(pattern);
        if (c.length !== 6) continue;
        const apiSeg = splitSym(c[5], '/')[0] ?? [];
        const lit = literalOf(apiSeg);
        if (lit !== undefined) {
          if (lit === '' || /[*?]/.test(lit)) continue;
          out.push({
            site: g.site,
            message: `${g.site.logicalId} lets API ${lit} invoke ${refLabel(g.ref)}, but no API with that id is defined in this app. `
              + 'Remove it if that API is gone, or acknowledge this finding if the API lives in another app.',
          });
          continue;
        }
        if (apiSeg.length !== 1 || !isAtom(apiSeg[0]) || apiSeg[0].kind !== 'res') continue;
        const key = symKey(apiSeg);
        const api = facts.apis.get(key);
        if (!api || !api.site || opaqueApis.has(key)) continue;
        if (routed.get(key)?.has(refKey(g.ref))) continue;
        out.push({
          site: g.site,
          message: `${g.site.logicalId} lets API ${api.label} invoke ${refLabel(g.ref)}, but no integration or authorizer of ${api.label} `
            + `invokes that reference. Remove the stale grant, or point it at the reference the API really invokes (SourceArn ${renderSym(pattern)}).`,
        });
      }
    }
    return out;
  },
};

import { apiSegment, apiSegmentAtom, arnComponentLiteral } from '../facts/arn-like';
import type { Facts } from '../facts/build';
import { refKey, refLabel } from '../facts/function-ref';
import { Atom, literalOf, renderSym, resAtom, symKey } from '../facts/value';
import { RuleDefinition, RuleFinding } from './rule';

export const StalePermission: RuleDefinition = {
  id: 'ApiGwLambda-StalePermission',
  defaultSeverity: 'warning',
  summary: 'A grant to API Gateway names an API of this app that does not route to that function reference, or a literal API id not in the app.',
  rationale: 'Leftover grants widen the function\'s attack surface and usually mean an integration was moved to another '
    + 'function, alias or API while its permission was not.',
  fixable: false,
  plansFixes: false,
  check: (facts) => {
    const routed = routedReferences(facts);
    const opaque = opaqueApis(facts);
    const out: RuleFinding[] = [];
    const atomKeys = new Map<string, string>();
    const grants = facts.grants;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      // A grant whose function is a deploy-time value (a parameter) may be for any reference: not judged.
      if (g.effect !== 'Allow' || g.principal !== 'apigateway' || !g.ref || !g.sourceArns || g.ref.fnKey.startsWith('sym:')) continue;
      for (let j = 0; j < g.sourceArns.length; j++) {
        const pattern = g.sourceArns[j];
        // The usual id, one atom, is keyed in place (`symKey([atom])`) without building the segment.
        const atom = apiSegmentAtom(pattern);
        const head = atom ? undefined : apiSegment(pattern);
        if ((!atom && !head) || arnComponentLiteral(pattern, 2) !== 'execute-api') continue;
        const key = atom ? atomSymKey(atomKeys, atom) : head!.key;
        const api = facts.apis.get(key);
        // An API the app knows (defined, or imported by that id) is judged by what it routes.
        if (api && (api.site || routed.has(key))) {
          if (opaque.has(key) || routed.get(key)?.has(refKey(g.ref))) continue;
          out.push({
            site: g.site,
            message: `${g.site.logicalId} lets API ${api.label} invoke ${refLabel(g.ref)}, but no integration or authorizer of ${api.label} `
              + `invokes that reference. Remove the stale grant, or point it at the reference the API really invokes (SourceArn ${renderSym(pattern)}).`,
          });
          continue;
        }
        const lit = atom ? undefined : literalOf(head!.seg);
        // Wildcard ids are OverBroadPermission's business; atoms we cannot name are not judged.
        if (lit === undefined || lit === '' || /[*?]/.test(lit)) continue;
        out.push({
          site: g.site,
          message: `${g.site.logicalId} lets API ${lit} invoke ${refLabel(g.ref)}, but no API with that id is defined in this app. `
            + 'Remove it if that API is gone, or acknowledge this finding if the API lives in another app.',
        });
      }
    }
    return out;
  },
};

/** `symKey([atom])` by the atom's key, built once per API rather than once per statement. */
function atomSymKey(keys: Map<string, string>, atom: Atom): string {
  let k = keys.get(atom.key);
  if (k === undefined) keys.set(atom.key, (k = symKey([atom])));
  return k;
}

/** API key → the function references its integrations and authorizers invoke. */
function routedReferences(facts: Facts): Map<string, Set<string>> {
  const routed = new Map<string, Set<string>>();
  const invocations = facts.invocations;
  for (let i = 0; i < invocations.length; i++) {
    const inv = invocations[i];
    let set = routed.get(inv.api.key);
    if (!set) routed.set(inv.api.key, (set = new Set()));
    for (let j = 0; j < inv.paths.length; j++) {
      const ref = inv.paths[j].ref;
      if (ref) set.add(refKey(ref));
    }
  }
  return routed;
}

/** APIs whose targets are not all known (OpenAPI body in S3, unresolved URI): a grant for them cannot be judged stale. */
function opaqueApis(facts: Facts): Set<string> {
  const out = new Set(facts.unknowables.map((u) => u.apiKey ?? symKey([resAtom(u.site.stack, u.site.logicalId, 'Ref')])));
  const invocations = facts.invocations;
  for (let i = 0; i < invocations.length; i++) {
    const inv = invocations[i];
    for (let j = 0; j < inv.paths.length; j++) {
      if (!inv.paths[j].ref) {
        out.add(inv.api.key);
        break;
      }
    }
  }
  return out;
}

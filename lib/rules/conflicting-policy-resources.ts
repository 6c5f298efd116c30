import { refKey, refLabel } from '../facts/function-ref';
import { resourcePolicies } from './grant-index';
import { RuleDefinition, RuleFinding } from './rule';

export const ConflictingPolicyResources: RuleDefinition = {
  id: 'ApiGwLambda-ConflictingPolicyResources',
  defaultSeverity: 'warning',
  summary: 'One function reference has both an AWS::Lambda::ResourcePolicy and AWS::Lambda::Permission resources.',
  rationale: 'PutResourcePolicy replaces the whole policy, so whichever is applied last silently removes the '
    + 'other\'s statements.',
  fixable: false,
  plansFixes: false,
  check: (facts) => {
    const policies = resourcePolicies(facts);
    // Only references with a ResourcePolicy can be reported: permissions are collected for those alone.
    if (policies.size === 0) return [];
    const permissions = new Map<string, Set<string>>();
    const grants = facts.grants;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      if (!g.ref || g.source !== 'permission') continue;
      const k = refKey(g.ref);
      if (!policies.has(k)) continue;
      let set = permissions.get(k);
      if (!set) permissions.set(k, (set = new Set()));
      set.add(g.site.logicalId);
    }
    const out: RuleFinding[] = [];
    for (const [k, e] of policies) {
      const found = permissions.get(k);
      if (!found) continue;
      out.push({
        site: e.sites[0],
        message: `${refLabel(e.ref)} has both AWS::Lambda::ResourcePolicy ${e.sites.map((p) => p.logicalId).join(', ')} and `
          + `AWS::Lambda::Permission ${[...found].join(', ')}; PutResourcePolicy overwrites statements added by AddPermission `
          + '(and a later AddPermission edits the policy behind the ResourcePolicy\'s back), so which statements survive depends on '
          + 'deployment order. Keep one mechanism: move the permissions into the ResourcePolicy document.',
      });
    }
    return out;
  },
};

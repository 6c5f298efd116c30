import { refKey, refLabel } from '../facts/function-ref';
import { Grant } from '../facts/model';
import { RuleDefinition, RuleFinding } from './rule';

export const ConflictingPolicyResources: RuleDefinition = {
  id: 'ApiGwLambda-ConflictingPolicyResources',
  defaultSeverity: 'warning',
  summary: 'One function reference has both an AWS::Lambda::ResourcePolicy and AWS::Lambda::Permission resources.',
  rationale: 'PutResourcePolicy replaces the whole policy, so whichever is applied last silently removes the '
    + 'other\'s statements (semantics.md §6.9, [K-L-PRP]).',
  fixable: false,
  check: (facts) => {
    const byRef = new Map<string, { policies: Set<string>; permissions: Set<string>; sample: Grant }>();
    for (const g of facts.grants) {
      if (!g.ref) continue;
      const k = refKey(g.ref);
      let e = byRef.get(k);
      if (!e) byRef.set(k, (e = { policies: new Set(), permissions: new Set(), sample: g }));
      (g.source === 'resource-policy' ? e.policies : e.permissions).add(g.site.logicalId);
      if (g.source === 'resource-policy') e.sample = g;
    }
    const out: RuleFinding[] = [];
    for (const e of byRef.values()) {
      if (!e.policies.size || !e.permissions.size) continue;
      out.push({
        site: { ...e.sample.site, propertyPath: undefined },
        message: `${refLabel(e.sample.ref!)} has both AWS::Lambda::ResourcePolicy ${[...e.policies].join(', ')} and AWS::Lambda::Permission `
          + `${[...e.permissions].join(', ')}; PutResourcePolicy overwrites statements added by AddPermission. Keep one mechanism: move the `
          + 'permissions into the ResourcePolicy document.',
      });
    }
    return out;
  },
};

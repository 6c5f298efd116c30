import { FunctionRef, parseFunctionRef, refKey, refLabel } from '../facts/function-ref';
import { Site } from '../facts/model';
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
    const byRef = new Map<string, { ref: FunctionRef; policies: Site[]; permissions: Set<string> }>();
    const entry = (ref: FunctionRef) => {
      const k = refKey(ref);
      let e = byRef.get(k);
      if (!e) byRef.set(k, (e = { ref, policies: [], permissions: new Set() }));
      return e;
    };
    // From the resources, not the statements: an empty or unparsable policy document still replaces the policy.
    for (const { stack, id, r } of facts.resources('AWS::Lambda::ResourcePolicy')) {
      const target = parseFunctionRef(facts.ev.str(r.Properties?.ResourceArn, stack), facts.ev, facts.physicalNames);
      if (target.ok) entry(target.ref).policies.push({ stack, logicalId: id, resourceType: r.Type });
    }
    // Only references with a ResourcePolicy can be reported: permissions are collected for those alone.
    if (byRef.size === 0) return [];
    const grants = facts.grants;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      if (g.ref && g.source === 'permission') byRef.get(refKey(g.ref))?.permissions.add(g.site.logicalId);
    }
    const out: RuleFinding[] = [];
    for (const e of byRef.values()) {
      if (!e.policies.length || !e.permissions.size) continue;
      out.push({
        site: e.policies[0],
        message: `${refLabel(e.ref)} has both AWS::Lambda::ResourcePolicy ${e.policies.map((p) => p.logicalId).join(', ')} and `
          + `AWS::Lambda::Permission ${[...e.permissions].join(', ')}; PutResourcePolicy overwrites statements added by AddPermission `
          + '(and a later AddPermission edits the policy behind the ResourcePolicy\'s back), so which statements survive depends on '
          + 'deployment order. Keep one mechanism: move the permissions into the ResourcePolicy document.',
      });
    }
    return out;
  },
};

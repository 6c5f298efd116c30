import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Facts } from '../facts/build';
import { FunctionRef, refKey, refLabel } from '../facts/function-ref';
import { Site } from '../facts/model';
import { isAtom } from '../facts/value';
import { FixPlan } from '../rules/rule';
import { fixLogicalId } from './logical-id';
import { FixContext } from './permission-fixer';
import { resourceElement } from './tokens';

/** One role grant to add: `lambda:InvokeFunction` on an exact reference. */
export interface RoleGrantOutcome {
  /** Per grant: the policy added now (`created`), or absent when an equal one was there already. */
  readonly added: Array<{ logicalId: string; stack: Stack; ref: FunctionRef; created?: iam.CfnPolicy }>;
  readonly problems: string[];
}

/**
 * Grants `lambda:InvokeFunction` on the exact invoked reference (semantics.md §0 mode B/C, C34/C35)
 * to a role defined in the app, as a new `AWS::IAM::Policy` attached to it — the role and its
 * existing policies are never edited. Imported roles are left alone (they stay reported).
 */
export function grantRole(plan: FixPlan, facts: Facts, ctx: FixContext): RoleGrantOutcome {
  const out: RoleGrantOutcome = { added: [], problems: [] };
  const roleSite = plan.role ?? credentialsRole(plan, facts);
  const role = roleSite && facts.ev.resource(roleSite.stack, roleSite.logicalId)?.Type === 'AWS::IAM::Role'
    ? resourceElement(ctx.index, roleSite.stack, roleSite.logicalId) : undefined;
  if (!roleSite || !role) {
    out.problems.push('the role is not defined in this app (imported roles are never modified)');
    return out;
  }
  const refs = plan.ref ? [plan.ref] : unique(plan.paths.flatMap((p) => (p.ref ? [p.ref] : [])));
  for (const ref of refs) {
    if (ref.qualifierKey === '$LATEST') continue;
    const fn = ctx.targets.arn(ref);
    if (!fn) {
      out.problems.push(`the function reference ${refLabel(ref)} cannot be rebuilt from the app's resources`);
      continue;
    }
    const candidates = [Stack.of(role), ...fn.refs.map((e) => Stack.of(e))];
    const stack = ctx.graph.choose(candidates, [Stack.of(role), ...fn.refs.map((e) => Stack.of(e))]);
    if (!stack) {
      out.problems.push('every stack that could hold the policy would create a cross-stack dependency cycle');
      continue;
    }
    const logicalId = fixLogicalId('ApiGwLambdaFixInvoke', roleSite.logicalId, 'role', `${roleSite.stack}|${roleSite.logicalId}`, refKey(ref));
    let created: iam.CfnPolicy | undefined;
    if (!stack.node.tryFindChild(logicalId)) {
      created = new iam.CfnPolicy(stack, logicalId, {
        policyName: logicalId.slice(0, 128),
        roles: [role.ref],
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn.text }],
        },
      });
      created.overrideLogicalId(logicalId);
    }
    out.added.push({ logicalId, stack, ref, created });
  }
  return out;
}

/** The role an integration's `Credentials` names, when it is a role of the app. */
function credentialsRole(plan: FixPlan, facts: Facts): Site | undefined {
  const c = plan.invocation.credentials;
  if (c.mode !== 'role') return undefined;
  const roles = c.role.filter((p) => isAtom(p) && p.kind === 'res' && facts.ev.resource(p.stack, p.logicalId)?.Type === 'AWS::IAM::Role');
  const a = roles[0];
  if (roles.length !== 1 || !isAtom(a) || a.kind !== 'res') return undefined;
  return { stack: a.stack, logicalId: a.logicalId, resourceType: 'AWS::IAM::Role' };
}

function unique(refs: FunctionRef[]): FunctionRef[] {
  const seen = new Map<string, FunctionRef>();
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r);
  return [...seen.values()];
}


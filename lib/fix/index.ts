import { Annotations, CfnElement } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { Finding } from '../engine';
import type { Facts } from '../facts/build';
import { refLabel } from '../facts/function-ref';
import { TreeSnapshot, elementKey } from '../facts/tree-loader';
import { POLICY_LIMIT_BYTES } from './consolidate';
import { FunctionTargets } from './function-target';
import { FixContext, RequestOutcome, addPermissions, describeOutcome } from './permission-fixer';
import { PermissionRequest, planPermissions } from './permission-plan';
import { StackGraph } from './placement';
import { setPost } from './post-fixer';
import { grantRole } from './role-fixer';
import { FixStageScope } from './stage-scope';

export { FixStageScope } from './stage-scope';

const POLICY_SIZE_RULE = 'ApiGwLambda-PolicySizeLimit';

/** One thing fix mode did (info) or could not do (error), reported on the construct it concerns. */
export interface FixChange {
  readonly target: IConstruct;
  readonly ruleId: string;
  readonly severity: 'info' | 'error';
  readonly message: string;
  /** The elements this change added to the tree. */
  readonly added?: readonly CfnElement[];
  /** The existing element whose properties this change overrode (a rendering of it from before is stale). */
  readonly modified?: CfnElement;
}

export interface FixInput {
  readonly tree: TreeSnapshot;
  readonly facts: Facts;
  /** Findings to repair: already limited to the Aspect's scope and to unacknowledged ones. */
  readonly findings: readonly Finding[];
  readonly stageScope: FixStageScope;
}

/**
 * Fix mode: turns the fix plans of findings into new constructs (plan → constructs), never editing
 * or deleting what the user or the CDK created, except the sanctioned `IntegrationHttpMethod: POST`
 * override. Returns what was done; whatever could not be fixed is left for the re-analysis to report.
 */
export function applyFixes(input: FixInput): FixChange[] {
  const { tree, facts } = input;
  const ctx: FixContext = {
    index: tree,
    stackObjects: tree.stackObjects,
    graph: new StackGraph(tree),
    targets: new FunctionTargets(facts, tree),
  };
  const changes: FixChange[] = [];
  const targetOf = (f: Finding) => tree.elements.get(elementKey(f.stackKey, f.logicalId));
  const requests: PermissionRequest[] = [];
  const requestTargets = new Map<PermissionRequest, IConstruct>();
  for (const f of input.findings) {
    const plan = f.fix;
    const target = targetOf(f);
    if (!plan || !target) continue;
    if (plan.kind === 'add-permission' && plan.ref) {
      const r: PermissionRequest = { ruleId: f.ruleId, invocation: plan.invocation, ref: plan.ref, paths: plan.paths };
      requests.push(r);
      requestTargets.set(r, target);
    } else if (plan.kind === 'set-post') {
      const site = { stack: f.stackKey, logicalId: f.logicalId, resourceType: f.resourceType, propertyPath: f.propertyPath };
      const r = setPost(site, facts, tree);
      if (r.override) changes.push({ target, ruleId: f.ruleId, severity: 'info', message: `fixed: set ${r.override} to POST`, modified: r.element });
    } else if (plan.kind === 'grant-role') {
      const r = grantRole(plan, facts, ctx);
      for (const a of r.added) {
        const what = `${a.created ? 'added' : 'kept'} policy ${a.logicalId} in ${a.stack.node.path} granting lambda:InvokeFunction on `
          + `${refLabel(a.ref)} to the role`;
        changes.push({
          target,
          ruleId: f.ruleId,
          severity: 'info',
          // The re-analysis keeps the error for what still blocks (fix mode never edits a boundary).
          message: plan.stillBlockedBy ? `${what}, which is needed but not enough: ${plan.stillBlockedBy} does not allow the call either`
            : `fixed: ${what}`,
          added: a.created ? [a.created] : undefined,
        });
      }
    }
  }
  const plan = planPermissions(facts, requests, input.stageScope);
  const outcomes: Array<{ o: RequestOutcome; consolidated: boolean }> = [];
  for (const g of plan.groups) {
    for (const o of addPermissions(g, ctx)) outcomes.push({ o, consolidated: g.consolidated });
  }
  for (const { o, consolidated } of outcomes) {
    const text = describeOutcome(o, consolidated);
    const target = requestTargets.get(o.request);
    const added = o.added.flatMap((a) => (a.created ? [a.created] : []));
    if (text && target) changes.push({ target, ruleId: o.request.ruleId, severity: 'info', message: text, added });
  }
  for (const s of plan.sizes) {
    if (!s.overLimit) continue;
    const r = requests.find((x) => x.ref === s.ref);
    const fnEl = s.ref.definedIn ? tree.elements.get(elementKey(s.ref.definedIn.stack, s.ref.definedIn.logicalId)) : undefined;
    const target = fnEl ?? (r && requestTargets.get(r));
    if (!target) continue;
    // Info only: the re-analysis after the fix reports the PolicySizeLimit error itself.
    changes.push({
      target,
      ruleId: POLICY_SIZE_RULE,
      severity: 'info',
      message: `fix mode cannot keep the resource policy of ${refLabel(s.ref)} under ${POLICY_LIMIT_BYTES} bytes: the existing statements `
        + `are about ${s.existingBytes} bytes and the fix needs about ${s.finalBytes - s.existingBytes} more even with API-wide SourceArns. `
        + 'The fix never deletes a permission: consolidate the existing ones (e.g. scopePermissionToMethod: false / scopePermissionToRoute: false).',
    });
  }
  return changes;
}

/** Reports a change as an annotation: `<ruleId>: fixed: …` (info) or an error. */
export function reportChange(c: FixChange): void {
  const text = `${c.ruleId}: ${c.message}`;
  if (c.severity === 'error') Annotations.of(c.target).addError(text);
  else Annotations.of(c.target).addInfo(text);
}

import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Analysis, Finding, SeverityOverride, analyze, reanalyze } from './engine';
import type { Facts } from './facts/build';
import { TreeSnapshot, elementKey, loadConstructTree, stackKeyOf, updateConstructTree } from './facts/tree-loader';
import { loadWrittenTemplates } from './facts/written-loader';
import { RuleId } from './rule-ids';

/** A finding with the construct it is reported on. */
export interface TreeFinding {
  readonly finding: Finding;
  readonly target: IConstruct;
}

export interface TreeAnalysis extends Analysis {
  readonly tree: TreeSnapshot;
  readonly targets: TreeFinding[];
}

/** Before synthesis (fix mode, `validateScope`): the tree rendered to CloudFormation by us. */
export function analyzeTree(root: IConstruct, severities: ReadonlyMap<string, SeverityOverride>): TreeAnalysis {
  return analyzeSnapshot(loadConstructTree(root), severities);
}

/**
 * Fix mode, after its changes: the analysis of `analyzeTree` brought up to date. The snapshot is
 * updated in place (the elements the fixes added, those they overrode; every other rendering is
 * kept), and the facts are extended with what was added when nothing was overridden.
 */
export function analyzeUpdatedTree(
  prev: TreeAnalysis, added: Iterable<CfnElement>, modified: readonly CfnElement[], severities: ReadonlyMap<string, SeverityOverride>,
): TreeAnalysis {
  const resources = updateConstructTree(prev.tree, added, modified);
  return analyzeSnapshot(prev.tree, severities, modified.length === 0 ? { facts: prev.facts, added: resources } : undefined);
}

/**
 * After synthesis (report mode, validation plugin): the templates synthesis wrote, read back with
 * the tree beside them. `templatePaths` (stack construct path → file) overrides where they are.
 */
export function analyzeWrittenTree(
  root: IConstruct, severities: ReadonlyMap<string, SeverityOverride>, templatePaths?: ReadonlyMap<string, string>,
): TreeAnalysis {
  return analyzeSnapshot(loadWrittenTemplates(root, templatePaths), severities);
}

/**
 * The analysis as both construct-tree front-ends (the Aspect and the validation plugin) see it: the
 * engine's findings mapped to constructs, plus an Unverifiable finding for every element the loader
 * could not render or read (never a silent pass).
 */
function analyzeSnapshot(
  tree: TreeSnapshot, severities: ReadonlyMap<string, SeverityOverride>, base?: { facts: Facts; added: ReadonlyArray<{ stack: string; logicalId: string }> },
): TreeAnalysis {
  const { facts, findings } = base ? reanalyze(base.facts, base.added, severities) : analyze(tree.stacks, severities);
  const targets: TreeFinding[] = [];
  for (const f of findings) {
    const target = tree.elements.get(elementKey(f.stackKey, f.logicalId)) ?? tree.stackObjects.get(f.stackKey);
    if (target) targets.push({ finding: f, target });
  }
  const severity = severities.get(RuleId.UNVERIFIABLE) ?? 'warning';
  if (severity !== 'off') {
    const seen = new Set<IConstruct>();
    for (const { element, error } of tree.unrenderable) {
      if (seen.has(element)) continue;
      seen.add(element);
      const stack = Stack.of(element);
      const whole = element === stack;
      targets.push({
        target: element,
        finding: {
          ruleId: RuleId.UNVERIFIABLE,
          severity,
          message: whole
            ? `could not analyse stack ${element.node.path}: ${error}. Check its API Gateway and Lambda permissions by hand.`
            : `could not render ${element.node.path} to CloudFormation (${error}), so it was left out of the analysis. `
              + 'Check its API Gateway and Lambda permissions by hand.',
          stackKey: stackKeyOf(stack),
          logicalId: element.node.id,
          resourceType: whole ? 'AWS::CloudFormation::Stack' : (element as any).cfnResourceType ?? 'unknown',
          constructPath: element.node.path,
        },
      });
    }
  }
  return { tree, facts, findings, targets };
}

/** True when the construct is the scope or below it. */
export function isUnder(c: IConstruct, scope: IConstruct): boolean {
  const p = c.node.path;
  const s = scope.node.path;
  return s === '' || p === s || p.startsWith(`${s}/`);
}

import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Analysis, Finding, SeverityOverride, analyze } from './engine';
import { TreeSnapshot, elementKey, loadConstructTree, stackKeyOf } from './facts/tree-loader';
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

/**
 * The analysis as both construct-tree front-ends (the Aspect and the validation plugin) see it: the
 * engine's findings mapped to constructs, plus an Unverifiable finding for every element the tree
 * loader could not render (never a silent pass). With `previous`, resources it already rendered are
 * reused: only valid when nothing changed but constructs were added.
 */
export function analyzeTree(root: IConstruct, severities: ReadonlyMap<string, SeverityOverride>, previous?: TreeSnapshot): TreeAnalysis {
  const tree = loadConstructTree(root, previous);
  const { facts, findings } = analyze(tree.stacks, severities);
  const targets: TreeFinding[] = [];
  for (const f of findings) {
    const target = tree.elements.get(elementKey(f.stackKey, f.logicalId)) ?? tree.stackObjects.get(f.stackKey);
    if (target) targets.push({ finding: f, target });
  }
  const severity = severities.get(RuleId.UNVERIFIABLE) ?? 'warning';
  if (severity !== 'off') {
    const seen = new Set<CfnElement>();
    for (const { element, error } of tree.unrenderable) {
      if (seen.has(element)) continue;
      seen.add(element);
      const stack = Stack.of(element);
      targets.push({
        target: element,
        finding: {
          ruleId: RuleId.UNVERIFIABLE,
          severity,
          message: `could not render ${element.node.path} to CloudFormation (${error}), so it was left out of the analysis. `
            + 'Check its API Gateway and Lambda permissions by hand.',
          stackKey: stackKeyOf(stack),
          logicalId: element.node.id,
          resourceType: (element as any).cfnResourceType ?? 'unknown',
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

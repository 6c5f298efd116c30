import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Analysis, Finding, SeverityOverride, analyze, completeAnalysis, reanalyze } from './engine';
import { TreeSnapshot, elementKey, loadConstructTree, stackKeyOf, updateConstructTree } from './facts/tree-loader';
import { loadWrittenTemplates } from './facts/written-loader';
import { RuleId } from './rule-ids';
import { RuleDefinition } from './rules/rule';

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
 * Before synthesis (fix mode, `validateScope`): the tree rendered to CloudFormation by us, checked
 * by `rules` (fix mode's first analysis: the rules that plan fixes; see completeTreeAnalysis).
 */
export function analyzeTree(root: IConstruct, severities: ReadonlyMap<string, SeverityOverride>, rules?: readonly RuleDefinition[]): TreeAnalysis {
  const tree = loadConstructTree(root);
  return onTree(tree, analyze(tree.stacks, severities, rules), severities);
}

/** An `analyzeTree` made with only some rules (`ran`), completed with the others on the same facts. */
export function completeTreeAnalysis(
  partial: TreeAnalysis, severities: ReadonlyMap<string, SeverityOverride>, ran: readonly RuleDefinition[],
): TreeAnalysis {
  return onTree(partial.tree, completeAnalysis(partial, severities, ran), severities);
}

/**
 * Fix mode, after its changes: the analysis of `analyzeTree` brought up to date, with every rule. The
 * snapshot is updated in place (the elements the fixes added, those they overrode; every other
 * rendering is kept), and the facts are extended with what was added when nothing was overridden.
 */
export function analyzeUpdatedTree(
  prev: TreeAnalysis, added: Iterable<CfnElement>, modified: readonly CfnElement[], severities: ReadonlyMap<string, SeverityOverride>,
): TreeAnalysis {
  const resources = updateConstructTree(prev.tree, added, modified);
  const analysis = modified.length === 0 ? reanalyze(prev.facts, resources, severities) : analyze(prev.tree.stacks, severities);
  return onTree(prev.tree, analysis, severities);
}

/**
 * After synthesis (report mode, validation plugin): the templates synthesis wrote, read back with
 * the tree beside them. `templatePaths` (stack construct path → file) overrides where they are.
 */
export function analyzeWrittenTree(
  root: IConstruct, severities: ReadonlyMap<string, SeverityOverride>, templatePaths?: ReadonlyMap<string, string>,
): TreeAnalysis {
  const tree = loadWrittenTemplates(root, templatePaths);
  return onTree(tree, analyze(tree.stacks, severities), severities);
}

/**
 * The analysis as both construct-tree front-ends (the Aspect and the validation plugin) see it: the
 * engine's findings mapped to constructs, plus an Unverifiable finding for every element the loader
 * could not render or read (never a silent pass).
 */
function onTree(tree: TreeSnapshot, { facts, findings }: Analysis, severities: ReadonlyMap<string, SeverityOverride>): TreeAnalysis {
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

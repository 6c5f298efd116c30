import { IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Finding, SeverityOverride, analyze, validateSeverities } from './engine';
import { elementKey, loadConstructTree } from './facts/tree-loader';
import { isAcknowledged } from './report/acknowledgements';
import { annotate } from './report/annotations';

/** What the Aspect does with findings. */
export enum PermissionMode {
  /** Report findings as annotations; errors fail `cdk synth`. */
  REPORT = 'REPORT',
  /** Add the least-privilege grants that repair fixable findings, and report what remains. */
  FIX = 'FIX',
}

export interface ApiGatewayLambdaPermissionsProps {
  /**
   * Report only, or repair fixable findings before deployment.
   * @default PermissionMode.REPORT
   */
  readonly mode?: PermissionMode;
  /**
   * Severity per rule id (`error`, `warning`, `info` or `off`; see `RuleSeverity` and `RuleId`).
   * @default - each rule's default severity (rules.md)
   */
  readonly ruleSeverities?: { [ruleId: string]: string };
}

/**
 * Checks, at synth time, that every API Gateway → Lambda integration and Lambda authorizer in the
 * app can actually invoke its function, and reports each gap as an annotation on the L1 construct
 * that defines it.
 *
 * The whole app is analysed once, on the first node visited; findings are reported for the
 * constructs under the scope the Aspect was added to.
 */
export class ApiGatewayLambdaPermissions implements IAspect {
  private readonly mode: PermissionMode;
  private readonly severities: Map<string, SeverityOverride>;
  private readonly analysed = new WeakSet<IConstruct>();

  constructor(props: ApiGatewayLambdaPermissionsProps = {}) {
    this.mode = props.mode ?? PermissionMode.REPORT;
    if (!Object.values(PermissionMode).includes(this.mode)) {
      throw new Error(`Invalid mode '${String(props.mode)}' for ApiGatewayLambdaPermissions; expected PermissionMode.REPORT or PermissionMode.FIX`);
    }
    this.severities = validateSeverities(props.ruleSeverities);
  }

  public visit(node: IConstruct): void {
    const root = node.node.root;
    if (this.analysed.has(root)) return;
    this.analysed.add(root);
    const scopePath = node.node.path;
    const tree = loadConstructTree(root);
    const { findings } = analyze(tree.stacks, this.severities);
    for (const f of findings) {
      const target = tree.elements.get(elementKey(f.stackKey, f.logicalId)) ?? tree.stackObjects.get(f.stackKey);
      if (!target || !isUnder(target, scopePath)) continue;
      if (isAcknowledged(target, f.ruleId)) continue;
      this.report(target, f);
    }
  }

  private report(target: IConstruct, f: Finding): void {
    annotate(target, f);
  }
}

function isUnder(c: IConstruct, scopePath: string): boolean {
  const p = c.node.path;
  return scopePath === '' || p === scopePath || p.startsWith(`${scopePath}/`);
}

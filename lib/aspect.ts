import { IAspect, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FIX_PLANNING_RULES, SeverityOverride, validateSeverities } from './engine';
import { FixStageScope, applyFixes, reportChange } from './fix';
import { isAcknowledged } from './report/acknowledgements';
import { annotate } from './report/annotations';
import { LateAnnotate, afterStageSynthesized } from './synthesis-hook';
import { TreeAnalysis, analyzeTree, analyzeUpdatedTree, analyzeWrittenTree, completeTreeAnalysis, isUnder } from './tree-analysis';

/** Before synthesis, annotations need no carrying into the cloud assembly. */
const ANNOTATE_NOW: LateAnnotate = (_, write) => write();

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
   * @default - each rule's default severity (README rules table)
   */
  readonly ruleSeverities?: { [ruleId: string]: string };
  /**
   * Fix mode only: which stages an added permission's SourceArn covers.
   *
   * The default is least privilege. The Aspect re-runs on every synth, so a stage added to the app
   * later gets its permission on the next synth; only stages created outside the app (console, CLI)
   * and the REST console's "Test" button (`test-invoke-stage`) are not covered. Choose
   * `ALL_STAGES` when stages are created outside the app or console testing must work.
   * @default FixStageScope.EXACT_STAGES
   */
  readonly fixStageScope?: FixStageScope;
}

/**
 * Checks, at synth time, that every API Gateway → Lambda integration and Lambda authorizer in the
 * app can actually invoke its function, and reports each gap as an annotation on the L1 construct
 * that defines it.
 *
 * The Stage (or app) is analysed once per scope the Aspect was added to, on the first node visited;
 * findings are reported for the constructs under that scope.
 */
export class ApiGatewayLambdaPermissions implements IAspect {
  private readonly mode: PermissionMode;
  private readonly severities: Map<string, SeverityOverride>;
  private readonly stageScope: FixStageScope;
  private readonly analysed = new WeakSet<IConstruct>();

  constructor(props: ApiGatewayLambdaPermissionsProps = {}) {
    this.mode = props.mode ?? PermissionMode.REPORT;
    if (!Object.values(PermissionMode).includes(this.mode)) {
      throw new Error(`Invalid mode '${String(props.mode)}' for ApiGatewayLambdaPermissions; expected PermissionMode.REPORT or PermissionMode.FIX`);
    }
    this.severities = validateSeverities(props.ruleSeverities);
    this.stageScope = props.fixStageScope ?? FixStageScope.EXACT_STAGES;
    if (!Object.values(FixStageScope).includes(this.stageScope)) {
      throw new Error(`Invalid fixStageScope '${String(props.fixStageScope)}' for ApiGatewayLambdaPermissions; expected FixStageScope.EXACT_STAGES or FixStageScope.ALL_STAGES`);
    }
  }

  public visit(node: IConstruct): void {
    // The first node visited is the scope the Aspect was added to; the rest are below it. One instance
    // may be added to several scopes (each Stage of a pipeline), each synthesized on its own.
    for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
      if (this.analysed.has(c)) return;
    }
    this.analysed.add(node);
    // A Stage is synthesized on its own and no reference crosses its boundary: analyse just that Stage.
    const root = Stage.isStage(node) ? node : Stage.of(node) ?? node.node.root;
    if (this.mode === PermissionMode.FIX) {
      // Repair what is fixable before synthesis; whatever is left is reported as usual. Only the rules
      // that plan fixes run first: after a fix every rule runs on the updated analysis anyway.
      const analysis = analyzeTree(root, this.severities, FIX_PLANNING_RULES);
      const fixable = analysis.targets
        .filter(({ finding, target }) => finding.fix && isUnder(target, node) && !isAcknowledged(target, finding.ruleId))
        .map(({ finding }) => finding);
      const changes = applyFixes({ tree: analysis.tree, facts: analysis.facts, findings: fixable, stageScope: this.stageScope });
      changes.forEach(reportChange);
      if (changes.length === 0) return this.report(completeTreeAnalysis(analysis, this.severities, FIX_PLANNING_RULES), node, ANNOTATE_NOW);
      // What is left, analysed on the same rendering with the fixes added (reading the written
      // templates back instead would parse every one of them for the same answer).
      const added = changes.flatMap((c) => c.added ?? []);
      const modified = changes.flatMap((c) => (c.modified ? [c.modified] : []));
      return this.report(analyzeUpdatedTree(analysis, added, modified, this.severities), node, ANNOTATE_NOW);
    }
    // Report on the templates synthesis writes: reading them back costs a fraction of rendering them.
    const stage = Stage.isStage(root) ? root : undefined;
    if (stage && afterStageSynthesized(stage, (late) => this.report(analyzeWrittenTree(stage, this.severities), node, late))) return;
    this.report(analyzeTree(root, this.severities), node, ANNOTATE_NOW);
  }

  private report(analysis: TreeAnalysis, scope: IConstruct, late: LateAnnotate): void {
    for (const { finding, target } of analysis.targets) {
      if (isUnder(target, scope) && !isAcknowledged(target, finding.ruleId)) late(target, () => annotate(target, finding));
    }
  }
}


import * as path from 'path';
import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Stage } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Finding, SeverityOverride, validateSeverities } from './engine';
import { TreeSnapshot } from './facts/tree-loader';
import { isAcknowledged } from './report/acknowledgements';
import { RULES } from './rules';
import { TreeAnalysis, analyzeTree, analyzeWrittenTree, isUnder } from './tree-analysis';
import { packageVersion } from './version';

/** The pack name: every rule id is `ApiGwLambda-<Name>`, as cdk-nag's `<Pack>-<Rule>`. */
const PACK_NAME = 'ApiGwLambda';

export interface ApiGatewayLambdaChecksProps extends NagPackProps {
  /**
   * Severity per rule id (`error`, `warning`, `info` or `off`; see `RuleSeverity` and `RuleId`),
   * exactly as the Aspect's `ruleSeverities`.
   * @default - each rule's default severity
   */
  readonly ruleSeverities?: { [ruleId: string]: string };
}

/**
 * The API Gateway → Lambda permission checks as a CDK validation plugin / cdk-nag v3 pack:
 *
 * ```ts
 * Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ApiGatewayLambdaChecks(app));
 * ```
 *
 * Findings are the Aspect's (same rule ids, messages and severities) and appear in the CDK
 * validation report (`validation-report.json` in the cloud assembly). Acknowledge one with
 * `Validations.of(construct).acknowledge({ id: 'ApiGwLambda-…', reason })`.
 *
 * The rules are cross-resource (an integration and the permission that covers it live on different
 * resources, often in different stacks), so the whole app is analysed once per validation rather
 * than once per resource as NagPack's per-resource `checkResource` would.
 */
export class ApiGatewayLambdaChecks extends NagPack {
  public readonly name = PACK_NAME;
  public readonly version = packageVersion();
  public readonly ruleIds = RULES.map((r) => r.id);
  private readonly severities: Map<string, SeverityOverride>;

  constructor(scope?: IConstruct, props: ApiGatewayLambdaChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;
    this.severities = validateSeverities(props.ruleSeverities);
  }

  /** Called by the CDK after synthesis: analyses `context.appConstruct` and fills `templatePath` from the context. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    if (!context.appConstruct) {
      throw new Error(`${PACK_NAME}: the validation context has no appConstruct (aws-cdk-lib >= 2.257 provides it); `
        + 'call validateScope(app) directly on older versions');
    }
    const templates = new Map((context.stackTemplates ?? []).map((s) => [s.stackConstructPath, s.templatePath]));
    // Synthesis is done: read the templates it wrote rather than rendering the tree again.
    const root = context.appConstruct.node.root;
    return this.run(context.appConstruct, analyzeWrittenTree(root, this.severities, templates), templates);
  }

  /**
   * Analyses the app that contains `scope` once, and reports the findings on constructs under `scope`.
   * Usable before synthesis: the tree is rendered to CloudFormation for the analysis.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return this.run(scope, analyzeTree(scope.node.root, this.severities), new Map());
  }

  /** Per-resource hook of NagPack: unused, the analysis is per app (see the class comment). */
  protected checkResource(_node: CfnResource): void {
    // Intentionally empty.
  }

  private run(scope: IConstruct, { tree, targets }: TreeAnalysis, templatePaths: ReadonlyMap<string, string>): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    // Findings with the same rule, message and severity share one violation (as cdk-nag groups by rule).
    const byKey = new Map<string, PolicyViolation>();
    for (const { finding: f, target } of targets) {
      if (!isUnder(target, scope) || isAcknowledged(target, f.ruleId)) continue;
      const resource = {
        resourceLogicalId: f.logicalId,
        constructPath: f.constructPath ?? target.node.path,
        templatePath: templatePathOf(tree, f.stackKey, templatePaths),
        locations: [f.propertyPath ? `Properties.${f.propertyPath}` : 'Properties'],
      };
      const severity = reportSeverity(f.severity);
      const key = `${f.ruleId}\n${severity}\n${f.message}`;
      const existing = byKey.get(key);
      if (existing) existing.violatingResources.push(resource);
      else {
        const v: PolicyViolation = { ruleName: f.ruleId, description: f.message, severity, violatingResources: [resource] };
        byKey.set(key, v);
        violations.push(v);
      }
    }
    return {
      success: !violations.some((v) => v.severity === 'error'),
      violations,
      pluginVersion: this.version,
    };
  }
}

/** Severity words of the CDK validation report (`info` is reported as `informational`, as the CDK's own plugin does). */
function reportSeverity(s: Finding['severity'] | SeverityOverride): string {
  return s === 'info' ? 'informational' : s;
}

/**
 * The template file of a stack: from the validation context when the CDK lists the stack; otherwise
 * (nested stacks, stacks of a Stage the plugin was not added to) where its Stage writes it.
 */
function templatePathOf(tree: TreeSnapshot, stackKey: string, fromContext: ReadonlyMap<string, string>): string | undefined {
  const direct = fromContext.get(stackKey);
  if (direct) return direct;
  const stack = tree.stackObjects.get(stackKey);
  const stage = stack && Stage.of(stack);
  return stack && stage ? path.join(stage.outdir, stack.templateFile) : undefined;
}


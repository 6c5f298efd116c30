/**
 * The validation plugin / cdk-nag v3 pack: registered with `Validations.of(app).addPlugins(...)`
 * beside AwsSolutionsChecks, reported in the CDK validation report, acknowledged with
 * `Validations.of(x).acknowledge`, analysed once per app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiGatewayLambdaChecks, RuleId, RuleSeverity } from '../../lib';
import * as engine from '../../lib/engine';
import { RULES } from '../../lib/rules';
import { fn } from '../helpers';
import { cleanup, l1Method, tempDir, testApp } from './cases';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

/** GIVEN an app with one L1 method integrating a function that has no permission. */
function brokenApp(outdir?: string, opts: { nested?: boolean } = {}): { app: App; method: apigw.CfnMethod; stack: Stack } {
  const app = testApp(outdir);
  const stack = new Stack(app, 'Svc');
  const scope = opts.nested ? new NestedStack(stack, 'Inner') : stack;
  const api = new apigw.RestApi(scope, 'Api');
  api.root.addMethod('GET', new apigw.LambdaIntegration(fn(stack, 'Fn')));
  const target = fn(stack, 'Target');
  const method = l1Method(scope, 'Create', api, target);
  return { app, method, stack };
}

/** Synthesizes and returns the CDK validation report (validation-report.json in the assembly). */
function synthReport(app: App, outdir: string): { report: any; threw: boolean } {
  let threw = false;
  // The CDK prints the report of a passing validation with warnings to stderr: keep the test output clean.
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } catch (e) {
    if (!/Validation failed|ValidationFailed/.test(String(e))) throw e;
    threw = true;
  } finally {
    quiet.mockRestore();
  }
  return { report: JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')), threw };
}

function ours(report: any): any {
  return report.pluginReports.find((r: any) => r.pluginName === 'ApiGwLambda');
}

function outdir(): string {
  const d = tempDir('apigw-nag');
  dirs.push(d);
  return d;
}

describe('ApiGatewayLambdaChecks as a validation plugin', () => {
  test('reports a violation with the rule id, the Aspect\'s message and the resource location; synth fails', () => {
    const dir = outdir();
    const { app } = brokenApp(dir);
    Validations.of(app).addPlugins(new ApiGatewayLambdaChecks(app));
    const { report, threw } = synthReport(app, dir);
    expect(threw).toBe(true);
    const r = ours(report);
    expect(r.conclusion).toBe('failure');
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.ruleName).toBe(RuleId.MISSING_PERMISSION);
    expect(v.severity).toBe('error');
    expect(v.description).toMatch(/^REST method POST \/ of API \w+ invokes Target\w+ but no resource-policy statement/);
    expect(v.violatingConstructs).toEqual([expect.objectContaining({
      constructPath: 'Svc/Create',
      cloudFormationResource: { templatePath: 'Svc.template.json', logicalId: 'Create', propertyPaths: ['Properties.Integration.Uri'] },
    })]);
  });

  test('sits beside AwsSolutionsChecks: both packs report in the same validation report', () => {
    const dir = outdir();
    const { app } = brokenApp(dir);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ApiGatewayLambdaChecks(app));
    const { report } = synthReport(app, dir);
    expect(report.pluginReports.map((r: any) => r.pluginName).sort()).toEqual(['ApiGwLambda', 'AwsSolutions']);
    expect(ours(report).violations.map((v: any) => v.ruleName)).toEqual([RuleId.MISSING_PERMISSION]);
  });

  test('a finding in a nested stack points at the nested template', () => {
    const dir = outdir();
    const { app } = brokenApp(dir, { nested: true });
    Validations.of(app).addPlugins(new ApiGatewayLambdaChecks(app));
    const c = ours(synthReport(app, dir).report).violations[0].violatingConstructs[0];
    expect(c.constructPath).toBe('Svc/Inner/Create');
    expect(c.cloudFormationResource.templatePath).toMatch(/^SvcInner\w+\.nested\.template\.json$/);
    expect(fs.existsSync(path.join(dir, c.cloudFormationResource.templatePath))).toBe(true);
  });

  test.each([
    ['the rule id', RuleId.MISSING_PERMISSION],
    ['the id namespaced by the plugin, as the CDK report suggests', `ApiGwLambda::${RuleId.MISSING_PERMISSION}`],
  ])('Validations.acknowledge with %s silences it (on the construct or a scope above)', (_, id) => {
    for (const where of ['method', 'stack'] as const) {
      const dir = outdir();
      const { app, method, stack } = brokenApp(dir);
      Validations.of(app).addPlugins(new ApiGatewayLambdaChecks(app));
      Validations.of(where === 'method' ? method : stack).acknowledge({ id, reason: 'permission is added by another pipeline' });
      const { report, threw } = synthReport(app, dir);
      expect(threw).toBe(false);
      expect(ours(report)?.violations ?? []).toEqual([]);
    }
  });

  test('ruleSeverities works like the Aspect\'s: a warning does not fail synth, off removes the rule', () => {
    const dir = outdir();
    const { app } = brokenApp(dir);
    Validations.of(app).addPlugins(new ApiGatewayLambdaChecks(app, { ruleSeverities: { [RuleId.MISSING_PERMISSION]: RuleSeverity.WARNING } }));
    const { report, threw } = synthReport(app, dir);
    expect(threw).toBe(false);
    expect(ours(report).violations.map((v: any) => [v.ruleName, v.severity])).toEqual([[RuleId.MISSING_PERMISSION, 'warning']]);

    const { app: app2 } = brokenApp();
    const off = new ApiGatewayLambdaChecks(app2, { ruleSeverities: { [RuleId.MISSING_PERMISSION]: RuleSeverity.OFF } });
    expect(off.validateScope(app2).violations).toEqual([]);
  });

  test('a bad ruleSeverities entry is rejected with a message naming it', () => {
    expect(() => new ApiGatewayLambdaChecks(undefined, { ruleSeverities: { 'ApiGwLambda-Nope': 'error' } })).toThrow(/Unknown rule id 'ApiGwLambda-Nope'/);
    expect(() => new ApiGatewayLambdaChecks(undefined, { ruleSeverities: { [RuleId.MISSING_PERMISSION]: 'fatal' } })).toThrow(/Invalid severity 'fatal'/);
  });

  test('analyses the app ONCE per validation, however many resources it has', () => {
    const { app } = brokenApp();
    const stack = new Stack(app, 'More');
    for (let i = 0; i < 20; i++) new apigw.RestApi(stack, `Api${i}`).root.addMethod('GET', new apigw.LambdaIntegration(fn(stack, `Fn${i}`)));
    const spy = jest.spyOn(engine, 'analyze');
    try {
      const pack = new ApiGatewayLambdaChecks(app);
      pack.validateScope(app);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('validateScope(scope) analyses the whole app but reports only under scope', () => {
    const { app } = brokenApp();
    const other = new Stack(app, 'Other');
    new apigw.RestApi(other, 'Api').root.addMethod('GET', new apigw.LambdaIntegration(fn(other, 'Fn')));
    const pack = new ApiGatewayLambdaChecks(app);
    expect(pack.validateScope(other)).toEqual(expect.objectContaining({ success: true, violations: [] }));
    expect(pack.validateScope(app.node.findChild('Svc')).violations.map((v) => v.ruleName)).toEqual([RuleId.MISSING_PERMISSION]);
  });

  test('NagPack contract: name, pack name, rule ids, version; a context without appConstruct is a clear error', () => {
    const pack = new ApiGatewayLambdaChecks();
    expect(pack.name).toBe('ApiGwLambda');
    expect(pack.readPackName).toBe('ApiGwLambda');
    expect(pack.ruleIds).toEqual(RULES.map((r) => r.id));
    expect(pack.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(() => pack.validate({ templatePaths: [], stackTemplates: [] } as any)).toThrow(/appConstruct/);
  });
});

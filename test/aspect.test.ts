import { App, Aspects, CfnResource, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGatewayLambdaPermissions, PermissionMode, RuleId, RuleSeverity } from '../lib';
import { fn, synthFindings } from './helpers';

/** An app with one L1 method that has no permission (MissingPermission) and one over-broad grant. */
function brokenApp(): { app: App; stack: Stack; method: apigw.CfnMethod; loose: lambda.CfnPermission } {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const handler = fn(stack, 'Fn');
  const other = fn(stack, 'Other');
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.LambdaIntegration(other));
  const method = new apigw.CfnMethod(stack, 'Raw', {
    restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
    integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${handler.functionArn}/invocations` },
  });
  const loose = new lambda.CfnPermission(stack, 'Loose', { action: 'lambda:InvokeFunction', functionName: other.functionName, principal: 'apigateway.amazonaws.com' });
  return { app, stack, method, loose };
}

describe('ApiGatewayLambdaPermissions', () => {
  test('reports errors and acknowledgeable warnings on the L1 constructs', () => {
    const { app } = brokenApp();
    const found = synthFindings(app);
    expect(found.map((f) => [f.level, f.ruleId, f.path])).toEqual(expect.arrayContaining([
      ['error', 'ApiGwLambda-MissingPermission', '/Stack/Raw'],
      ['warning', 'ApiGwLambda-OverBroadPermission', '/Stack/Loose'],
    ]));
    expect(found).toHaveLength(2);
  });

  test('ruleSeverities can raise, lower and switch off rules', () => {
    const { app } = brokenApp();
    const found = synthFindings(app, {
      ruleSeverities: { [RuleId.MISSING_PERMISSION]: RuleSeverity.INFO, [RuleId.OVER_BROAD_PERMISSION]: RuleSeverity.OFF },
    });
    expect(found.map((f) => [f.level, f.ruleId])).toEqual([['info', 'ApiGwLambda-MissingPermission']]);
  });

  test('Validations.acknowledge on the construct or any scope above silences errors and warnings', () => {
    const { app, stack, loose } = brokenApp();
    Validations.of(stack).acknowledge({ id: 'ApiGwLambda-MissingPermission', reason: 'permission managed elsewhere' });
    Validations.of(loose).acknowledge({ id: 'ApiGwLambda-OverBroadPermission', reason: 'shared function' });
    expect(synthFindings(app)).toEqual([]);
  });

  test('acknowledging one rule leaves the others', () => {
    const { app, method } = brokenApp();
    Validations.of(method).acknowledge({ id: 'ApiGwLambda-SourceArnMismatch', reason: 'not this one' });
    expect(synthFindings(app).map((f) => f.ruleId)).toContain('ApiGwLambda-MissingPermission');
  });

  test('added to one stack, it reports only on that stack', () => {
    const { app } = brokenApp();
    const clean = new Stack(app, 'Clean');
    Aspects.of(clean).add(new ApiGatewayLambdaPermissions());
    const assembly = app.synth();
    const messages = assembly.stacksRecursively.flatMap((s) => ['aws:cdk:error', 'aws:cdk:warning'].flatMap((t) => s.findMetadataByType(t)))
      .filter((e) => typeof e.data === 'string' && e.data.startsWith('ApiGwLambda-'));
    expect(messages).toEqual([]);
  });

  test('synthesizing twice reports each finding once', () => {
    const { app } = brokenApp();
    Aspects.of(app).add(new ApiGatewayLambdaPermissions());
    app.synth();
    const again = app.synth({ force: true });
    const errors = again.getStackByName('Stack').findMetadataByType('aws:cdk:error');
    expect(errors.filter((e) => String(e.data).startsWith('ApiGwLambda-MissingPermission'))).toHaveLength(1);
  });

  test.each<[string, any]>([
    ['unknown rule id', { ruleSeverities: { 'ApiGwLambda-Nope': 'error' } }],
    ['bad severity', { ruleSeverities: { [RuleId.MISSING_PERMISSION]: 'fatal' } }],
    ['bad mode', { mode: 'AUTO' as PermissionMode }],
  ])('rejects %s with a clear message', (_name, props) => {
    expect(() => new ApiGatewayLambdaPermissions(props)).toThrow(/ruleSeverities|mode/);
  });
});

// Only fix mode renders the tree at Aspect time (report mode reads the templates synthesis wrote).
describe('elements that cannot be rendered at Aspect time (fix mode)', () => {
  /** A value that fails on its first resolution only (as some lazies do before `prepare`). */
  function appWithFlakyElement(): App {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    let calls = 0;
    // A resource the rules read (resources they never read are never rendered).
    new CfnResource(stack, 'Flaky', {
      type: 'AWS::Lambda::Permission',
      properties: {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: Lazy.string({ produce: () => { if (calls++ === 0) throw new Error('not ready yet'); return 'fn'; } }),
      },
    });
    return app;
  }

  test('are reported as Unverifiable, never silently skipped', () => {
    const found = synthFindings(appWithFlakyElement(), { mode: PermissionMode.FIX });
    expect(found.map((f) => [f.level, f.ruleId, f.path])).toEqual([['warning', 'ApiGwLambda-Unverifiable', '/Stack/Flaky']]);
    expect(found[0].message).toMatch(/could not render Stack\/Flaky to CloudFormation \(not ready yet\)/);
  });

  test('honour the Unverifiable severity override', () => {
    expect(synthFindings(appWithFlakyElement(), { mode: PermissionMode.FIX, ruleSeverities: { [RuleId.UNVERIFIABLE]: RuleSeverity.OFF } }))
      .toEqual([]);
  });
});

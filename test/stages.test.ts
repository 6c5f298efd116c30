import { App, Aspects, Stack, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ApiGatewayLambdaPermissions } from '../lib';
import { fn } from './helpers';

/** A stage with one L1 method whose function has no permission (MissingPermission on `<stage>/Api/Raw`). */
function brokenStage(app: App, id: string): Stage {
  const stage = new Stage(app, id);
  const stack = new Stack(stage, 'Api');
  const handler = fn(stack, 'Fn');
  const api = new apigw.RestApi(stack, 'Rest');
  api.root.addMethod('GET', new apigw.LambdaIntegration(fn(stack, 'Other')));
  new apigw.CfnMethod(stack, 'Raw', {
    restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
    integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${handler.functionArn}/invocations` },
  });
  return stage;
}

function errorsByStage(app: App, stages: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(stages.map((s) => [s, []]));
  for (const stack of app.synth().stacksRecursively) {
    const stage = stack.hierarchicalId.split('/')[0];
    out[stage].push(...stack.findMetadataByType('aws:cdk:error').map((e) => `${e.path} ${String(e.data).split(':')[0]}`));
  }
  return out;
}

/** CDK Pipelines-style apps: every Stage is synthesized on its own, before App-level Aspects run. */
describe('Stages', () => {
  test('one instance added to several Stages reports in each of them', () => {
    const app = new App();
    const checks = new ApiGatewayLambdaPermissions();
    for (const id of ['Beta', 'Prod']) Aspects.of(brokenStage(app, id)).add(checks);
    expect(errorsByStage(app, ['Beta', 'Prod'])).toEqual({
      Beta: ['/Beta/Api/Raw ApiGwLambda-MissingPermission'],
      Prod: ['/Prod/Api/Raw ApiGwLambda-MissingPermission'],
    });
  });

  test('added to one Stage, it reports nothing about another', () => {
    const app = new App();
    Aspects.of(brokenStage(app, 'Beta')).add(new ApiGatewayLambdaPermissions());
    brokenStage(app, 'Prod');
    expect(errorsByStage(app, ['Beta', 'Prod'])).toEqual({ Beta: ['/Beta/Api/Raw ApiGwLambda-MissingPermission'], Prod: [] });
  });
});

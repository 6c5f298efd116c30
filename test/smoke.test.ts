import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGatewayLambdaPermissions } from '../lib';

test('smoke', () => {
  const app = new App();
  const stack = new Stack(app, 'S');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn));
  api.root.addResource('books').addResource('{id}').addMethod('ANY', new apigw.LambdaIntegration(fn));
  new apigw.CfnMethod(stack, 'Raw', {
    restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
    integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations` },
  });
  Aspects.of(app).add(new ApiGatewayLambdaPermissions());
  const msgs = Annotations.fromStack(stack).findError('*', Match.anyValue());
  console.log(JSON.stringify(msgs.map((m) => [m.id, m.entry.data]), null, 1));
  expect(msgs.length).toBe(1);
});

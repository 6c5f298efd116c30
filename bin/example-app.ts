/**
 * The example app run by `npx cdk synth` (see cdk.json): one REST API with a correct integration and
 * a broken one, checked by the Aspect. Synthesis fails with an ApiGwLambda-MissingPermission error on
 * the L1 method, exactly as it would in CI.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGatewayLambdaPermissions } from '../lib';

const app = new App();
const stack = new Stack(app, 'ExampleApiStack');

const handler = new lambda.Function(stack, 'ItemsHandler', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });'),
});

const api = new apigw.RestApi(stack, 'ItemsApi');
const items = api.root.addResource('items');

// Correct: the L2 LambdaIntegration adds a permission scoped to GET /items on stage prod.
items.addMethod('GET', new apigw.LambdaIntegration(handler));

// Broken: an L1 method (or an escape hatch) integrates another function, and nothing grants API
// Gateway permission to invoke it. At runtime: 500 "Invalid permissions on Lambda function".
const createHandler = new lambda.Function(stack, 'CreateItemHandler', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 201, body: "created" });'),
});
new apigw.CfnMethod(stack, 'CreateItem', {
  restApiId: api.restApiId,
  resourceId: items.resourceId,
  httpMethod: 'POST',
  authorizationType: 'NONE',
  integration: {
    type: 'AWS_PROXY',
    integrationHttpMethod: 'POST',
    uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${createHandler.functionArn}/invocations`,
  },
});

Aspects.of(app).add(new ApiGatewayLambdaPermissions());

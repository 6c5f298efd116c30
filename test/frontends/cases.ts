/**
 * The shared good/bad table for the three front-ends (Aspect, validation plugin / cdk-nag pack,
 * CLI on a synthesized cdk.out): each case builds a REAL CDK app; every front-end must report the
 * same (rule id, construct path, message) for it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { fn } from '../helpers';

export interface FrontendCase {
  readonly name: string;
  readonly build: (app: App) => void;
  /** Rule ids the Aspect reports (sorted), as a sanity anchor for the table itself. */
  readonly expected: string[];
}

/** An L1 method `POST /` on `api` that integrates `target` with no permission (the classic gap). */
export function l1Method(scope: Construct, id: string, api: apigw.RestApi, target: lambda.IFunction): apigw.CfnMethod {
  const stack = Stack.of(scope);
  return new apigw.CfnMethod(scope, id, {
    restApiId: api.restApiId,
    resourceId: api.root.resourceId,
    httpMethod: 'POST',
    authorizationType: 'NONE',
    integration: {
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${target.functionArn}/invocations`,
    },
  });
}

/** A RestApi with one L2 GET (permission added by the CDK) so the API deploys. */
function restApi(scope: Construct, id: string, handler: lambda.IFunction): apigw.RestApi {
  const api = new apigw.RestApi(scope, id);
  api.root.addMethod('GET', new apigw.LambdaIntegration(handler));
  return api;
}

export const CASES: FrontendCase[] = [
  {
    name: 'good: L2 RestApi + LambdaIntegration',
    build: (app) => {
      const s = new Stack(app, 'Good');
      restApi(s, 'Api', fn(s, 'Fn')).root.addResource('items').addMethod('POST', new apigw.LambdaIntegration(fn(s, 'Fn2')));
    },
    expected: [],
  },
  {
    name: 'good: L2 HttpApi + HttpLambdaIntegration',
    build: (app) => {
      const s = new Stack(app, 'GoodHttp');
      const api = new apigwv2.HttpApi(s, 'Http');
      api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Int', fn(s, 'Fn')) });
    },
    expected: [],
  },
  {
    name: 'bad: L1 method without a permission',
    build: (app) => {
      const s = new Stack(app, 'Missing');
      const api = restApi(s, 'Api', fn(s, 'Fn'));
      l1Method(s, 'Create', api, fn(s, 'CreateFn'));
    },
    expected: ['ApiGwLambda-MissingPermission'],
  },
  {
    name: 'bad: permission for another stage',
    build: (app) => {
      const s = new Stack(app, 'WrongStage');
      const target = fn(s, 'Target');
      const api = restApi(s, 'Api', fn(s, 'Fn'));
      l1Method(s, 'Create', api, target);
      target.addPermission('DevOnly', {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: api.arnForExecuteApi('POST', '/', 'dev'),
      });
    },
    expected: ['ApiGwLambda-SourceArnMismatch'],
  },
  {
    name: 'bad: integration on an alias, permission on the function; plus an over-broad grant',
    build: (app) => {
      const s = new Stack(app, 'Alias');
      const target = fn(s, 'Target');
      const alias = new lambda.Alias(s, 'Live', { aliasName: 'live', version: target.currentVersion });
      const api = restApi(s, 'Api', fn(s, 'Fn'));
      l1Method(s, 'Create', api, alias);
      target.addPermission('Any', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    },
    expected: ['ApiGwLambda-OverBroadPermission', 'ApiGwLambda-QualifierMismatch'],
  },
  {
    name: 'bad: function in another stack (Exports/ImportValue in cdk.out)',
    build: (app) => {
      const producer = new Stack(app, 'Producer');
      const target = fn(producer, 'Shared');
      const consumer = new Stack(app, 'Consumer');
      l1Method(consumer, 'Create', restApi(consumer, 'Api', fn(consumer, 'Fn')), target);
    },
    expected: ['ApiGwLambda-MissingPermission'],
  },
  {
    name: 'bad: API in a nested stack, function in the parent (nested parameters)',
    build: (app) => {
      const parent = new Stack(app, 'Parent');
      const target = fn(parent, 'Target');
      const nested = new NestedStack(parent, 'Nested');
      l1Method(nested, 'Create', restApi(nested, 'Api', fn(nested, 'Fn')), target);
    },
    expected: ['ApiGwLambda-MissingPermission'],
  },
  {
    name: 'bad: stack inside a Stage, literal environment',
    build: (app) => {
      const stage = new Stage(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });
      const s = new Stack(stage, 'Service');
      l1Method(s, 'Create', restApi(s, 'Api', fn(s, 'Fn')), fn(s, 'CreateFn'));
    },
    expected: ['ApiGwLambda-MissingPermission'],
  },
  {
    // semantics.md §2.1, C30: read from the cdk.out manifest's environment by the CLI.
    name: 'bad: function in another region, the CDK permission has the API stack\'s region',
    build: (app) => {
      const s = new Stack(app, 'CrossRegion', { env: { account: '111111111111', region: 'us-east-1' } });
      restApi(s, 'Api', lambda.Function.fromFunctionArn(s, 'Fn', 'arn:aws:lambda:eu-west-1:111111111111:function:orders'));
    },
    expected: ['ApiGwLambda-SourceArnMismatch'],
  },
  {
    name: 'acknowledged: Validations.acknowledge on the method',
    build: (app) => {
      const s = new Stack(app, 'Acked');
      const m = l1Method(s, 'Create', restApi(s, 'Api', fn(s, 'Fn')), fn(s, 'CreateFn'));
      Validations.of(m).acknowledge({ id: 'ApiGwLambda-MissingPermission', reason: 'granted by another pipeline' });
    },
    expected: [],
  },
];

/** A fresh, empty temporary directory (removed by the caller's afterAll via `cleanup`). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** What `cdk synth` (the CDK CLI) turns on: `aws:cdk:path` and `aws:asset:path` in template Metadata. */
export const CDK_CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };

/** An App for these tests: no built-in CloudFormation validation (slow, and not what is tested). */
export function testApp(outdir?: string, context?: Record<string, unknown>): App {
  return new App({ outdir, context, builtinCloudFormationValidation: false });
}

/** `(ruleId, constructPath, message)` triples, sorted, for front-end comparisons. */
export type Triple = [string, string, string];

export function sortTriples(t: Triple[]): Triple[] {
  return [...t].sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
}

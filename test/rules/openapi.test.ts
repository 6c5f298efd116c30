/**
 * OpenAPI bodies of REST APIs (`SpecRestApi`, `CfnRestApi.Body/BodyS3Location`): integrations and
 * authorizers declared in `x-amazon-apigateway-integration` / `x-amazon-apigateway-authorizer` get
 * no permission from the CDK (semantics.md §1.1, §7.6.2; §11 C03, C10, C49, C51, C62).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aws, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const APIGW = new iam.ServicePrincipal('apigateway.amazonaws.com');

function lambdaUri(fnArn: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

function integration(target: lambda.IFunction, httpMethod = 'POST') {
  return { type: 'aws_proxy', httpMethod, uri: lambdaUri(target.functionArn) };
}

/** OpenAPI 3 document: `paths` as given, plus a Lambda TOKEN authorizer scheme when `authorizer` is set. */
function openApi(paths: Record<string, any>, authorizer?: lambda.IFunction): any {
  return {
    openapi: '3.0.2',
    info: { title: 'spec', version: '1' },
    paths,
    ...(authorizer ? {
      components: {
        securitySchemes: {
          tokenAuth: {
            type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: lambdaUri(authorizer.functionArn) },
          },
        },
      },
    } : {}),
  };
}

function specApi(s: Stack, definition: any, props: Partial<apigw.SpecRestApiProps> = {}): apigw.SpecRestApi {
  return new apigw.SpecRestApi(s, 'Api', { apiDefinition: apigw.ApiDefinition.fromInline(definition), ...props });
}

const API = '/Stack/Api/Resource';

const good: TableCase[] = [
  {
    name: 'SpecRestApi with an API-wide permission (arnForExecuteApi())', spec: 'C51 (fixed)',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({
        '/items': { get: { 'x-amazon-apigateway-integration': integration(f) }, post: { 'x-amazon-apigateway-integration': integration(f) } },
        '/items/{id}': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': integration(f) } },
      }));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi() });
    },
  },
  {
    name: 'SpecRestApi: path parameter covered by * on the deployed stage', spec: 'C02',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items/{id}': { get: { 'x-amazon-apigateway-integration': integration(f) } } }), {
        deployOptions: { stageName: 'v1' },
      });
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi('GET', '/items/*', api.deploymentStage.stageName) });
    },
  },
  {
    name: 'OpenAPI authorizer with an …/authorizers/* permission', spec: 'C48',
    build: (s) => {
      const f = fn(s, 'F');
      const authFn = fn(s, 'AuthFn');
      const api = specApi(s, openApi({ '/items': { get: { security: [{ tokenAuth: [] }], 'x-amazon-apigateway-integration': integration(f) } } }, authFn));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi('GET', '/items') });
      authFn.addPermission('AuthInvoke', { principal: APIGW, sourceArn: `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${api.restApiId}/authorizers/*` });
    },
  },
  {
    name: 'SpecRestApi with only non-Lambda integrations', spec: '-',
    build: (s) => { specApi(s, openApi({ '/ping': { get: { 'x-amazon-apigateway-integration': { type: 'mock' } } } })); },
  },
  {
    name: 'methods added with LambdaIntegration on top of a SpecRestApi (CDK grants those)', spec: 'C01',
    build: (s) => {
      const api = specApi(s, openApi({ '/ping': { get: { 'x-amazon-apigateway-integration': { type: 'mock' } } } }));
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
    },
  },
];

const bad: BadCase[] = [
  {
    name: 'SpecRestApi Lambda integrations and no permission', spec: 'C51',
    build: (s) => {
      const f = fn(s, 'F');
      specApi(s, openApi({
        '/items': { get: { 'x-amazon-apigateway-integration': integration(f) } },
        '/items/{id}': { delete: { 'x-amazon-apigateway-integration': integration(f) } },
      }));
    },
    expect: [
      { rule: 'MissingPermission', path: API, includes: ['OpenAPI operation GET /items', 'GET /items on stage \'prod\''] },
      { rule: 'MissingPermission', path: API, includes: ['OpenAPI operation DELETE /items/{id}', '/prod/DELETE/items/*'] },
    ],
  },
  {
    name: 'OpenAPI authorizer (authorizerUri) and no permission', spec: 'C51',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items': { get: { security: [{ tokenAuth: [] }], 'x-amazon-apigateway-integration': integration(f) } } }, fn(s, 'AuthFn')));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi() });
    },
    expect: [{ rule: 'MissingPermission', path: API, includes: ['OpenAPI authorizer tokenAuth', 'authorizers/'] }],
  },
  {
    name: 'OpenAPI authorizer with only a method-style permission', spec: 'C49',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items': { get: { security: [{ tokenAuth: [] }], 'x-amazon-apigateway-integration': integration(f) } } }, f));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi() });
    },
    expect: [{ rule: 'SourceArnMismatch', path: API, includes: ['OpenAPI authorizer tokenAuth', 'not a method ARN'] }],
  },
  {
    name: 'OpenAPI path parameter granted with a literal {id}', spec: 'C03',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items/{id}': { get: { 'x-amazon-apigateway-integration': integration(f) } } }));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi('GET', '/items/{id}') });
    },
    expect: [{ rule: 'SourceArnMismatch', path: API, includes: ['GET /items/{id} on stage \'prod\'', 'literal {parameter}'] }],
  },
  {
    name: 'OpenAPI integration permission pinned to the deployment stage, extra Stage added', spec: 'C10',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items': { get: { 'x-amazon-apigateway-integration': integration(f) } } }));
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi('GET', '/items', api.deploymentStage.stageName) });
    },
    expect: [{ rule: 'SourceArnMismatch', path: API, includes: ['stage \'dev\' not covered'], excludes: ['on stage \'prod\''] }],
  },
  {
    name: 'OpenAPI Lambda integration with httpMethod GET', spec: 'C62',
    build: (s) => {
      const f = fn(s, 'F');
      const api = specApi(s, openApi({ '/items': { get: { 'x-amazon-apigateway-integration': integration(f, 'GET') } } }));
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: api.arnForExecuteApi() });
    },
    expect: [{ rule: 'IntegrationHttpMethod', path: API, includes: ['httpMethod GET', 'POST'] }],
  },
  {
    name: 'L1 CfnRestApi Body (Swagger 2, ANY method) with a GET-only permission', spec: 'C07/C51',
    build: (s) => {
      const f = fn(s, 'F');
      const api = new apigw.CfnRestApi(s, 'Raw', {
        body: {
          swagger: '2.0', info: { title: 'raw', version: '1' },
          paths: { '/{proxy+}': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': integration(f) } } },
        },
      });
      const dep = new apigw.CfnDeployment(s, 'RawDep', { restApiId: api.ref, stageName: 'live' });
      dep.addDependency(api);
      f.addPermission('ApiInvoke', { principal: APIGW, sourceArn: `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${api.ref}/*/GET/*` });
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Raw', includes: ['POST, PUT, DELETE, PATCH, HEAD, OPTIONS (ANY) /{proxy+} on stage \'live\'', 'grant covers only GET', '/live/*/*'], excludes: ['GET, POST'] }],
  },
  {
    name: 'L1 CfnRestApi Body built with Fn::Sub (JSON text with ${FnArn}) and no permission', spec: 'C51',
    build: (s) => {
      const f = fn(s, 'F');
      const doc = JSON.stringify(openApi({ '/items': { get: { 'x-amazon-apigateway-integration': {
        type: 'aws_proxy', httpMethod: 'POST', uri: 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FnArn}/invocations',
      } } } }));
      const api = new apigw.CfnRestApi(s, 'Raw', { body: Fn.sub(doc, { FnArn: f.functionArn }) });
      new apigw.CfnDeployment(s, 'RawDep', { restApiId: api.ref, stageName: 'live' });
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Raw', includes: ['OpenAPI operation GET /items', 'GET /items on stage \'live\'', 'FC4345940'] }],
  },
  {
    name: 'L1 CfnRestApi Body built with Fn::Join around a token, granted for another path', spec: 'C14/C51',
    build: (s) => {
      const f = fn(s, 'F');
      const [head, tail] = JSON.stringify(openApi({ '/items': { post: { 'x-amazon-apigateway-integration': {
        type: 'aws_proxy', httpMethod: 'POST', uri: 'URI',
      } } } })).split('URI');
      const api = new apigw.CfnRestApi(s, 'Raw', { body: Fn.join('', [head, lambdaUri(f.functionArn), tail]) });
      new apigw.CfnDeployment(s, 'RawDep', { restApiId: api.ref, stageName: 'live' });
      f.addPermission('P', { principal: APIGW, sourceArn: `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${api.ref}/*/POST/orders` });
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Raw', includes: ['POST /items on stage \'live\'', 'path /items not covered'] }],
  },
  {
    name: 'L1 CfnRestApi Body included with Fn::Transform AWS::Include', spec: 'Unverifiable (S3 body)',
    build: (s) => {
      const api = new apigw.CfnRestApi(s, 'Raw', {
        body: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://my-specs/api.yaml' } } },
      });
      new apigw.CfnDeployment(s, 'RawDep', { restApiId: api.ref, stageName: 'live' });
    },
    expect: [{ rule: 'Unverifiable', path: '/Stack/Raw', includes: ['Fn::Transform'] }],
  },
  {
    name: 'SpecRestApi body from a local asset (BodyS3Location)', spec: 'Unverifiable (S3 body)',
    build: (s) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
      const file = path.join(dir, 'api.json');
      fs.writeFileSync(file, JSON.stringify(openApi({ '/ping': { get: { 'x-amazon-apigateway-integration': { type: 'mock' } } } })));
      new apigw.SpecRestApi(s, 'Api', { apiDefinition: apigw.ApiDefinition.fromAsset(file) });
    },
    expect: [{ rule: 'Unverifiable', path: API, includes: ['read from S3', 'Check by hand'] }],
  },
  {
    name: 'SpecRestApi body from an S3 bucket', spec: 'Unverifiable (S3 body)',
    build: (s) => {
      const bucket = s3.Bucket.fromBucketName(s, 'Specs', 'my-specs');
      new apigw.SpecRestApi(s, 'Api', { apiDefinition: apigw.ApiDefinition.fromBucket(bucket, 'api.yaml') });
    },
    expect: [{ rule: 'Unverifiable', path: API, includes: ['read from S3'] }],
  },
];

describe('OpenAPI bodies (REST)', () => {
  test.each(good.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('good %s', (_n, c) => expectClean(c));
  test.each(bad.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('bad %s', (_n, c) => { expectFindings(c); });
});

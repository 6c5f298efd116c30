/**
 * REST API integrations: good/bad tables over real CDK apps (L2 and L1) with the Aspect.
 * Spec: semantics.md §2, §6, §7.1, §7.6 and §11 (C01–C14, C16, C21, C52, C53, C55–C57, C61, C62).
 */
import { Aws, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** `arn:…:apigateway:…:lambda:path/2015-03-31/functions/<fnArn>/invocations` (§1.1). */
function lambdaUri(fnArn: string, streaming = false): string {
  return streaming
    ? `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2021-11-15/functions/${fnArn}/response-streaming-invocations`
    : `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

/** A Lambda proxy integration that adds NO permission (what escape hatches and L1 code end up with). */
function bareIntegration(fnArn: string): apigw.Integration {
  return new apigw.Integration({ type: apigw.IntegrationType.AWS_PROXY, integrationHttpMethod: 'POST', uri: lambdaUri(fnArn) });
}

/** A hand-written permission for API Gateway with the given SourceArn. */
function permit(stack: Stack, id: string, target: lambda.IFunction, sourceArn: string, extra: Partial<lambda.CfnPermissionProps> = {}) {
  return new lambda.CfnPermission(stack, id, {
    action: 'lambda:InvokeFunction',
    principal: 'apigateway.amazonaws.com',
    functionName: target.functionArn,
    sourceArn,
    ...extra,
  });
}

function restApi(stack: Stack, props: apigw.RestApiProps = {}): apigw.RestApi {
  return new apigw.RestApi(stack, 'Api', props);
}

/** `arn:…:execute-api:…:<api>/<rest>` with a hand-written resource part. */
function executeApiArn(api: apigw.IRestApi, rest: string): string {
  return `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${api.restApiId}/${rest}`;
}

const M = (p: string) => `/Stack/Api/Default/${p}/Resource`;

// ---- must pass: L2 defaults and correct hand-written grants -----------------------------------------

const good: TableCase[] = [
  {
    name: 'GET /items with LambdaIntegration defaults', spec: 'C01',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F'))),
  },
  {
    name: 'GET /items/{id}: CDK grants …/prod/GET/items/*', spec: 'C02',
    build: (s) => restApi(s).root.addResource('items').addResource('{id}').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F'))),
  },
  {
    name: 'LambdaRestApi proxy: ANY / and ANY /{proxy+}', spec: 'C04',
    build: (s) => new apigw.LambdaRestApi(s, 'Api', { handler: fn(s, 'F') }),
  },
  {
    name: 'root GET /', spec: 'C08',
    build: (s) => restApi(s).root.addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F'))),
  },
  {
    name: 'many methods on one function, nested paths and ANY', spec: 'C01/C02/C04',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s, { deployOptions: { stageName: 'v1' } });
      const items = api.root.addResource('items');
      items.addMethod('GET', new apigw.LambdaIntegration(f));
      items.addMethod('POST', new apigw.LambdaIntegration(f));
      items.addResource('{id}').addResource('tags').addMethod('ANY', new apigw.LambdaIntegration(f));
      items.addProxy({ defaultIntegration: new apigw.LambdaIntegration(f) });
    },
  },
  {
    name: 'allowTestInvoke: false (console test fails, runtime works)', spec: 'C11',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F'), { allowTestInvoke: false })),
  },
  {
    name: 'scopePermissionToMethod: false: one …/*/*/* statement covers every method, root and stage', spec: 'C12',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      const integ = new apigw.LambdaIntegration(f, { scopePermissionToMethod: false });
      api.root.addMethod('GET', integ);
      api.root.addResource('items').addMethod('ANY', integ);
      api.root.addResource('{id}').addMethod('DELETE', integ);
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
    },
  },
  {
    name: 'response streaming (ResponseTransferMode.STREAM) with the normal InvokeFunction permission', spec: 'C61',
    build: (s) => restApi(s).root.addResource('chat').addMethod('POST', new apigw.LambdaIntegration(fn(s, 'F'), {
      responseTransferMode: apigw.ResponseTransferMode.STREAM,
    })),
  },
  {
    name: 'streaming URI set by addPropertyOverride on the same function: the permission still covers it', spec: 'C61',
    build: (s) => {
      const f = fn(s, 'F');
      const m = restApi(s).root.addResource('chat').addMethod('POST', new apigw.LambdaIntegration(f));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('Integration.Uri', lambdaUri(f.functionArn, true));
    },
  },
  {
    name: 'Function.fromFunctionName: CDK synthesizes the permission', spec: 'C55',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(lambda.Function.fromFunctionName(s, 'F', 'my-existing-fn'))),
  },
  {
    name: 'Function.fromFunctionArn in a stack of the same account: CDK synthesizes the permission', spec: 'C53 (good side)',
    stackProps: { env: ENV },
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(
      lambda.Function.fromFunctionArn(s, 'F', 'arn:aws:lambda:us-east-1:111111111111:function:existing'))),
  },
  {
    name: 'alias target: CDK grants the alias itself', spec: 'C19',
    build: (s) => {
      const f = fn(s, 'F');
      restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f.addAlias('live')));
    },
  },
  {
    name: 'deploy: false, stage built by hand: CDK grants stage *',
    build: (s) => {
      const api = restApi(s, { deploy: false });
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      new apigw.Stage(s, 'Live', { deployment: new apigw.Deployment(s, 'Dep', { api }), stageName: 'live' });
    },
  },
  {
    name: 'deploy: false and no stage in the app: CDK grants stage *',
    build: (s) => restApi(s, { deploy: false }).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F'))),
  },
  {
    name: 'extra stage covered by a hand-written stage-* permission', spec: 'C10 (fixed)',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
      f.addPermission('AllStages', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items') });
    },
  },
  {
    name: 'L1 CfnMethod with a hand-written permission (name, root trailing slash)', spec: 'C08/C20/C52 (fixed)',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addMethod('GET', bareIntegration(f.functionArn));
      new lambda.CfnPermission(s, 'P', {
        action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com', functionName: f.functionName,
        sourceArn: executeApiArn(api, '*/GET/'),
      });
    },
  },
  {
    name: 'stage variable selects a granted alias on every stage', spec: 'C21 (fixed)',
    build: (s) => {
      const f = fn(s, 'F');
      const live = f.addAlias('live');
      const beta = new lambda.Alias(s, 'Beta', { aliasName: 'beta', version: f.currentVersion });
      const api = restApi(s, { deployOptions: { stageName: 'prod', variables: { alias: 'live' } } });
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev', variables: { alias: 'beta' } });
      api.root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/${f.functionArn}:\${stageVariables.alias}/invocations`,
      }));
      for (const [id, a] of [['PLive', live], ['PBeta', beta]] as const) {
        a.addPermission(id, { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items', '*') });
      }
    },
  },
  {
    name: 'function in another stack of the app (cross-stack reference)', spec: 'C01',
    build: (s, app) => {
      const f = fn(new Stack(app, 'Functions'), 'F');
      restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    },
  },
  {
    name: 'API in a NestedStack, function in the parent', spec: 'C01',
    build: (s) => {
      const f = fn(s, 'F');
      new apigw.RestApi(new NestedStack(s, 'Nested'), 'Api').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    },
  },
  {
    name: 'methods added in another stack through RestApi.fromRestApiAttributes, deployed there', spec: 'C01',
    build: (s, app) => {
      const api = restApi(s, { deploy: false });
      api.root.addMethod('ANY');
      const feature = new Stack(app, 'Feature');
      const imported = apigw.RestApi.fromRestApiAttributes(feature, 'Imported', { restApiId: api.restApiId, rootResourceId: api.root.resourceId });
      imported.root.addResource('x').addMethod('GET', new apigw.LambdaIntegration(fn(feature, 'F')));
      new apigw.Stage(feature, 'Prod', { deployment: new apigw.Deployment(feature, 'Dep', { api: imported }), stageName: 'prod' });
    },
  },
  {
    name: 'integration on fn.currentVersion: CDK grants the version', spec: 'C19',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F').currentVersion)),
  },
  {
    name: 'one function behind two RestApis', spec: 'C01',
    build: (s) => {
      const f = fn(s, 'F');
      new apigw.RestApi(s, 'A').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
      new apigw.RestApi(s, 'B').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    },
  },
];

// ---- must flag ------------------------------------------------------------------------------

const bad: BadCase[] = [
  {
    name: 'L1 CfnMethod (AWS_PROXY to Lambda) and no permission', spec: 'C52',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addMethod('GET'); // keeps the API deployable
      new apigw.CfnMethod(s, 'Raw', {
        restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
        integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri(f.functionArn) },
      });
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Raw', includes: ['POST / on stage \'prod\'', 'apigateway.amazonaws.com'] }],
  },
  {
    name: 'generic Integration on an L2 method (no binding code) and no permission', spec: 'C52',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', bareIntegration(fn(s, 'F').functionArn)),
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['GET /items on stage \'prod\''] }],
  },
  {
    name: 'API in a NestedStack with a bare integration to a parent-stack function', spec: 'C52',
    build: (s) => {
      const f = fn(s, 'F');
      new apigw.RestApi(new NestedStack(s, 'Nested'), 'Api').root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Nested/Api/Default/items/GET/Resource', includes: ['GET /items on stage \'prod\''] }],
  },
  {
    name: 'literal {id} in a REST SourceArn', spec: 'C03',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addResource('{id}').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi('GET', '/items/{id}', '*'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/{id}/GET'), includes: ['GET /items/{id} on stage \'prod\'', 'literal {parameter}', 'use *'] }],
  },
  {
    name: 'literal {proxy+} in a REST SourceArn', spec: 'C05',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('{proxy+}').addMethod('ANY', bareIntegration(f.functionArn));
      permit(s, 'P', f, executeApiArn(api, '*/*/{proxy+}'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('{proxy+}/ANY'), includes: ['/{proxy+}', 'literal {parameter}'] }],
  },
  {
    name: 'literal ANY in the method segment', spec: 'C06',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('ANY', bareIntegration(f.functionArn));
      permit(s, 'P', f, executeApiArn(api, '*/ANY/items'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/ANY'), includes: ['GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS (ANY) /items on stage \'prod\': the method segment is the literal ANY', '/prod/*/items'] }],
  },
  {
    name: 'ANY method with only a GET permission', spec: 'C07',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('ANY', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi('GET', '/items', 'prod'));
    },
    expect: [{
      rule: 'SourceArnMismatch', path: M('items/ANY'),
      includes: ['POST, PUT, DELETE, PATCH, HEAD, OPTIONS (ANY) /items on stage \'prod\': those verbs are not covered (grant covers only GET)'],
      excludes: ['GET, POST'],
    }],
  },
  {
    name: 'root GET without the trailing slash', spec: 'C09',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, executeApiArn(api, 'prod/GET'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Api/Default/GET/Resource', includes: ['GET / on stage \'prod\'', 'trailing slash'] }],
  },
  {
    name: 'extra Stage on a second Deployment: CDK pins the permission to deploymentStage', spec: 'C10',
    build: (s) => {
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['GET /items on stage \'dev\'', 'stage \'dev\' not covered'], excludes: ['on stage \'prod\''] }],
  },
  {
    name: 'two extra stages: one finding names both', spec: 'C10',
    build: (s) => {
      const api = restApi(s);
      api.root.addResource('items').addMethod('POST', new apigw.LambdaIntegration(fn(s, 'F')));
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
      new apigw.Stage(s, 'Qa', { deployment: new apigw.Deployment(s, 'Dep3', { api }), stageName: 'qa' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/POST'), includes: ['stage \'dev\'', 'stage \'qa\''], excludes: ['on stage \'prod\''] }],
  },
  {
    name: 'extra Stage on the latest deployment', spec: 'C10',
    build: (s) => {
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      new apigw.Stage(s, 'Dev', { deployment: api.latestDeployment!, stageName: 'dev' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['GET /items on stage \'dev\''], excludes: ['on stage \'prod\''] }],
  },
  {
    name: 'deploymentStage reassigned to a new Stage: the default prod stage is left uncovered', spec: 'C10',
    build: (s) => {
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      api.deploymentStage = new apigw.Stage(s, 'Dev', { deployment: api.latestDeployment!, stageName: 'dev' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['GET /items on stage \'prod\'', 'stage \'prod\' not covered (grant covers \'dev\')'] }],
  },
  {
    name: 'permission scoped to another RestApi', spec: 'C13',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      const other = new apigw.RestApi(s, 'Other');
      other.root.addMethod('GET');
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, other.arnForExecuteApi());
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['API ${Other', 'is not this API'] }],
  },
  {
    name: 'permission with a literal API id (logical id, SAM#3393 style)', spec: 'C13',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:MyRestApi/*/*/*`);
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['API MyRestApi is not this API'] }],
  },
  {
    name: 'permission for POST on a GET method', spec: 'C14',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi('POST', '/items'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['GET /items on stage \'prod\'', 'method GET not covered'] }],
  },
  {
    name: 'permission path differs in case (/Items vs /items)', spec: 'C14',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi('GET', '/Items'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['path /items not covered', '/Items'] }],
  },
  {
    name: 'wildcard in the region/account of the SourceArn', spec: 'C16',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, `arn:${Aws.PARTITION}:execute-api:*:*:${api.restApiId}/*`);
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['wildcard in its region or account'] }],
  },
  {
    name: 'stage variable selects an alias with no permission on one stage', spec: 'C21',
    build: (s) => {
      const f = fn(s, 'F');
      const live = f.addAlias('live');
      new lambda.Alias(s, 'Beta', { aliasName: 'beta', version: f.currentVersion });
      const api = restApi(s, { deployOptions: { stageName: 'prod', variables: { alias: 'live' } } });
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev', variables: { alias: 'beta' } });
      api.root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/${f.functionArn}:\${stageVariables.alias}/invocations`,
      }));
      live.addPermission('P', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items', '*') });
    },
    expect: [{ rule: 'QualifierMismatch', path: M('items/GET'), includes: ['\'beta\'', 'stage \'dev\''], excludes: ['stage \'prod\''] }],
  },
  {
    name: 'stage variable not set on a stage', spec: 'C21',
    build: (s) => {
      const f = fn(s, 'F');
      const live = f.addAlias('live');
      const api = restApi(s, { deployOptions: { stageName: 'prod', variables: { alias: 'live' } } });
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev' });
      api.root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/${f.functionArn}:\${stageVariables.alias}/invocations`,
      }));
      live.addPermission('P', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items', '*') });
    },
    expect: [{ rule: 'Unverifiable', path: M('items/GET'), includes: ['stage variable \'alias\'', 'stage \'dev\''] }],
  },
  {
    name: 'stage variable naming the function, permission only on one of the two', spec: 'C21',
    build: (s) => {
      const a = fn(s, 'A', { functionName: 'orders-a' });
      fn(s, 'B', { functionName: 'orders-b' });
      const api = restApi(s, { deployOptions: { stageName: 'prod', variables: { fn: 'orders-a' } } });
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev', variables: { fn: 'orders-b' } });
      api.root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:\${stageVariables.fn}/invocations`,
      }));
      a.addPermission('P', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items', '*') });
    },
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['stage \'dev\''], excludes: ['stage \'prod\''] }],
  },
  {
    name: 'stage variable set from a token (fn.functionName): resolved per stage to that function', spec: 'C21',
    build: (s) => {
      const a = fn(s, 'A');
      const b = fn(s, 'B');
      const api = restApi(s, { deployOptions: { stageName: 'prod', variables: { fn: a.functionName } } });
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev', variables: { fn: b.functionName } });
      api.root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:\${stageVariables.fn}/invocations`,
      }));
      a.addPermission('P', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: api.arnForExecuteApi('GET', '/items', '*') });
    },
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['invokes B', 'stage \'dev\''], excludes: ['stage \'prod\''] }],
  },
  {
    name: 'Function.fromFunctionArn in an env-agnostic stack: CDK silently skips the permission', spec: 'C53',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(
      lambda.Function.fromFunctionArn(s, 'F', 'arn:aws:lambda:us-east-1:111111111111:function:existing'))),
    expect: [{ rule: 'Unverifiable', path: M('items/GET'), includes: ['environment-agnostic', 'UnclearLambdaEnvironment'] }],
  },
  {
    name: 'Function.fromFunctionArn with a token ARN (Fn.importValue)', spec: 'C53',
    stackProps: { env: ENV },
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(
      lambda.Function.fromFunctionArn(s, 'F', Fn.importValue('SharedFnArn')))),
    expect: [{ rule: 'Unverifiable', path: M('items/GET'), includes: ['SharedFnArn'] }],
  },
  {
    name: 'Function.fromFunctionArn from another account', spec: 'C53/C54',
    stackProps: { env: ENV },
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(
      lambda.Function.fromFunctionArn(s, 'F', 'arn:aws:lambda:us-east-1:222222222222:function:remote'))),
    expect: [{ rule: 'Unverifiable', path: M('items/GET'), includes: ['account 222222222222'] }],
  },
  {
    name: 'method on an API imported by literal ids (its resource tree is outside the app)', spec: 'Unverifiable',
    build: (s) => {
      const imported = apigw.RestApi.fromRestApiAttributes(s, 'Imported', { restApiId: 'abc123', rootResourceId: 'root1' });
      imported.root.addResource('x').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
    },
    expect: [{ rule: 'Unverifiable', path: '/Stack/Imported/Default/x/GET/Resource', includes: ['resource path cannot be resolved'] }],
  },
  {
    name: 'L1 method on an imported same-account function with no permission', spec: 'C52',
    stackProps: { env: ENV },
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', bareIntegration('arn:aws:lambda:us-east-1:111111111111:function:existing')),
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['existing', 'GET /items on stage \'prod\''] }],
  },
  {
    name: 'addPropertyOverride(Integration.Uri) to another function', spec: 'C56',
    build: (s) => {
      const other = fn(s, 'Other');
      const m = restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('Integration.Uri', lambdaUri(other.functionArn));
    },
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['Other', 'GET /items on stage \'prod\''] }],
  },
  {
    name: 'addPropertyOverride(Integration.Uri) to an alias while the permission is on the function', spec: 'C56/C17',
    build: (s) => {
      const f = fn(s, 'F');
      const live = f.addAlias('live');
      const m = restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('Integration.Uri', lambdaUri(live.functionArn));
    },
    expect: [{ rule: 'QualifierMismatch', path: M('items/GET'), includes: ['qualifier \'live\'', 'the unqualified function'] }],
  },
  {
    name: 'addPropertyOverride(Integration.Uri) to the streaming URI of an alias', spec: 'C56',
    build: (s) => {
      const f = fn(s, 'F');
      const live = f.addAlias('live');
      const m = restApi(s).root.addResource('chat').addMethod('POST', new apigw.LambdaIntegration(f));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('Integration.Uri', lambdaUri(live.functionArn, true));
    },
    expect: [{ rule: 'QualifierMismatch', path: M('chat/POST'), includes: ['qualifier \'live\''] }],
  },
  {
    name: 'addPropertyOverride(HttpMethod): the CDK permission still names the old verb', spec: 'C56/C14',
    build: (s) => {
      const m = restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('HttpMethod', 'POST');
    },
    expect: [{ rule: 'SourceArnMismatch', path: M('items/GET'), includes: ['POST /items on stage \'prod\'', 'method POST not covered (grant covers GET)'] }],
  },
  {
    name: 'node.tryRemoveChild on the permissions the CDK added', spec: 'C56',
    build: (s) => {
      const m = restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F')));
      for (const c of [...m.node.children]) if (c.node.id.startsWith('ApiPermission')) m.node.tryRemoveChild(c.node.id);
    },
    expect: [{ rule: 'MissingPermission', path: M('items/GET'), includes: ['GET /items on stage \'prod\''] }],
  },
  {
    name: 'integration on the alias, permission only on the function', spec: 'C18 reversed/C17',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.addAlias('live').functionArn));
      permit(s, 'P', f, api.arnForExecuteApi());
    },
    expect: [{ rule: 'QualifierMismatch', path: M('items/GET'), includes: ['qualifier \'live\''] }],
  },
  {
    name: 'integration URI on $LATEST (fn.latestVersion)', spec: 'C57',
    build: (s) => restApi(s).root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'F').latestVersion)),
    expect: [{ rule: 'QualifierMismatch', path: M('items/GET'), includes: ['$LATEST'] }],
  },
  {
    name: 'permission with lambda:InvokeFunctionUrl only', spec: 'C23',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi(), { action: 'lambda:InvokeFunctionUrl' });
    },
    expect: [{ rule: 'GrantMismatch', path: M('items/GET'), includes: ['lambda:InvokeFunctionUrl', 'GET /items on stage \'prod\''] }],
  },
  {
    name: 'permission with a SourceAccount that is not the API account', spec: 'C29',
    stackProps: { env: ENV },
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addResource('items').addMethod('GET', bareIntegration(f.functionArn));
      permit(s, 'P', f, api.arnForExecuteApi(), { sourceAccount: '999999999999' });
    },
    expect: [{ rule: 'GrantMismatch', path: M('items/GET'), includes: ['SourceAccount 999999999999'] }],
  },
  {
    name: 'IntegrationHttpMethod GET on a Lambda integration', spec: 'C62',
    build: (s) => {
      const f = fn(s, 'F');
      restApi(s).root.addResource('items').addMethod('GET', new apigw.AwsIntegration({
        proxy: true, service: 'lambda', path: `2015-03-31/functions/${f.functionArn}/invocations`, integrationHttpMethod: 'GET',
      }));
      f.addPermission('P', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    },
    expect: [{ rule: 'IntegrationHttpMethod', path: M('items/GET'), includes: ['IntegrationHttpMethod GET', 'POST'] }],
  },
  {
    name: 'IntegrationHttpMethod overridden to the method verb on a LambdaIntegration', spec: 'C62/C56',
    build: (s) => {
      const m = restApi(s).root.addResource('items').addMethod('PUT', new apigw.LambdaIntegration(fn(s, 'F')));
      (m.node.defaultChild as apigw.CfnMethod).addPropertyOverride('Integration.IntegrationHttpMethod', 'PUT');
    },
    expect: [{ rule: 'IntegrationHttpMethod', path: M('items/PUT'), includes: ['IntegrationHttpMethod PUT'] }],
  },
  {
    name: 'L1 Lambda integration without IntegrationHttpMethod', spec: 'C62',
    build: (s) => {
      const f = fn(s, 'F');
      const api = restApi(s);
      api.root.addMethod('GET'); // keeps the API deployable
      new apigw.CfnMethod(s, 'Raw', {
        restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
        integration: { type: 'AWS_PROXY', uri: lambdaUri(f.functionArn) },
      });
      permit(s, 'P', f, api.arnForExecuteApi());
    },
    expect: [{ rule: 'IntegrationHttpMethod', path: '/Stack/Raw', includes: ['has no IntegrationHttpMethod'] }],
  },
];

describe('REST API integrations', () => {
  test.each(good.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('good %s', (_n, c) => expectClean(c));
  test.each(bad.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('bad %s', (_n, c) => { expectFindings(c); });
});

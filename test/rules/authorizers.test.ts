/**
 * REST Lambda authorizers: good/bad tables over real CDK apps (L2 and L1) with the Aspect.
 * The authorizer's SourceArn is `…:{apiId}/authorizers/{authorizerId}`, not a method ARN
 * (semantics.md §5.1, §7.2; §11 C48, C49, C52, C53, C56, C57).
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const APIGW = new iam.ServicePrincipal('apigateway.amazonaws.com');

function lambdaUri(fnArn: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

/** An API with one method (so it deploys) guarded by `authorizer`, backed by `handler`. */
function apiWith(s: Stack, authorizer: apigw.IAuthorizer | undefined, handler: lambda.IFunction = fn(s, 'Handler')): apigw.RestApi {
  const api = new apigw.RestApi(s, 'Api');
  api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(handler), authorizer ? { authorizer } : {});
  return api;
}

/** An L1 TOKEN authorizer (no binding code, so no permission) used by an L1 method. */
function l1Authorizer(s: Stack, api: apigw.RestApi, uriFnArn: string): apigw.CfnAuthorizer {
  const auth = new apigw.CfnAuthorizer(s, 'RawAuth', {
    restApiId: api.restApiId, name: 'raw', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
    authorizerUri: lambdaUri(uriFnArn),
  });
  new apigw.CfnMethod(s, 'Guarded', {
    restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: auth.ref,
    integration: { type: 'MOCK' },
  });
  return auth;
}

function permit(s: Stack, id: string, target: lambda.IFunction, sourceArn: string, action = 'lambda:InvokeFunction') {
  return new lambda.CfnPermission(s, id, { action, principal: 'apigateway.amazonaws.com', functionName: target.functionArn, sourceArn });
}

function authzArn(api: apigw.IRestApi, id: string): string {
  return `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${api.restApiId}/authorizers/${id}`;
}

const AUTH = '/Stack/Auth/Resource';
const RAW = '/Stack/RawAuth';

const good: TableCase[] = [
  {
    name: 'TokenAuthorizer with CDK defaults', spec: 'C48',
    build: (s) => { apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn') })); },
  },
  {
    name: 'RequestAuthorizer with CDK defaults', spec: 'C48',
    build: (s) => {
      apiWith(s, new apigw.RequestAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn'), identitySources: [apigw.IdentitySource.header('X-Key')] }));
    },
  },
  {
    name: 'one function is both the authorizer and the integration', spec: 'C48',
    build: (s) => {
      const f = fn(s, 'F');
      apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: f }), f);
    },
  },
  {
    name: 'TokenAuthorizer on an alias: CDK grants the alias', spec: 'C48/C19',
    build: (s) => { apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn').addAlias('live') })); },
  },
  {
    name: 'TokenAuthorizer on Function.fromFunctionName', spec: 'C48/C55',
    build: (s) => { apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: lambda.Function.fromFunctionName(s, 'AuthFn', 'authz') })); },
  },
  {
    name: 'TokenAuthorizer with a CDK-owned assumeRole (CDK grants the role)', spec: '§7.2',
    build: (s) => {
      const role = new iam.Role(s, 'AuthRole', { assumedBy: APIGW });
      apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn'), assumeRole: role }));
    },
  },
  {
    name: 'L1 CfnAuthorizer with a hand-written …/authorizers/* permission', spec: 'C48',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      l1Authorizer(s, api, f.functionArn);
      permit(s, 'P', f, authzArn(api, '*'));
    },
  },
  {
    name: 'L1 CfnAuthorizer with a permission naming its id (Ref)', spec: 'C48',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      const auth = l1Authorizer(s, api, f.functionArn);
      f.addPermission('P', { principal: APIGW, sourceArn: authzArn(api, auth.ref) });
    },
  },
];

const bad: BadCase[] = [
  {
    name: 'L1 CfnAuthorizer and no permission', spec: 'C52',
    build: (s) => l1Authorizer(s, apiWith(s, undefined), fn(s, 'AuthFn').functionArn),
    expect: [{ rule: 'MissingPermission', path: RAW, includes: ['authorizer RawAuth', 'authorizer calls', '/authorizers/'] }],
  },
  {
    name: 'authorizer function with only method-style permissions', spec: 'C49',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      l1Authorizer(s, api, f.functionArn);
      f.addPermission('P', { principal: APIGW, sourceArn: api.arnForExecuteApi('GET', '/*') });
    },
    expect: [{ rule: 'SourceArnMismatch', path: RAW, includes: ['authorizer calls', 'authorizer calls use the SourceArn …/authorizers/<id>, not a method ARN'] }],
  },
  {
    name: 'the integration function reused as authorizer: its method permissions do not cover authorizer calls', spec: 'C49',
    build: (s) => {
      const f = fn(s, 'F');
      l1Authorizer(s, apiWith(s, undefined, f), f.functionArn);
    },
    expect: [{ rule: 'SourceArnMismatch', path: RAW, includes: ['not a method ARN'] }],
  },
  {
    name: 'authorizers/* permission for another API', spec: 'C13/C48',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      const other = new apigw.RestApi(s, 'Other');
      other.root.addMethod('GET');
      l1Authorizer(s, api, f.functionArn);
      permit(s, 'P', f, authzArn(other, '*'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: RAW, includes: ['API ${Other', 'is not this API'] }],
  },
  {
    name: 'permission names another authorizer id', spec: 'C48',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      l1Authorizer(s, api, f.functionArn);
      permit(s, 'P', f, authzArn(api, 'abc123'));
    },
    expect: [{ rule: 'SourceArnMismatch', path: RAW, includes: ['authorizer id not covered'] }],
  },
  {
    name: 'authorizer permission with the wrong action', spec: 'C23',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      l1Authorizer(s, api, f.functionArn);
      permit(s, 'P', f, authzArn(api, '*'), 'lambda:GetFunction');
    },
    expect: [{ rule: 'GrantMismatch', path: RAW, includes: ['lambda:GetFunction'] }],
  },
  {
    name: 'authorizer URI on an alias, permission on the function', spec: 'C17',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const api = apiWith(s, undefined);
      l1Authorizer(s, api, f.addAlias('live').functionArn);
      permit(s, 'P', f, authzArn(api, '*'));
    },
    expect: [{ rule: 'QualifierMismatch', path: RAW, includes: ['qualifier \'live\''] }],
  },
  {
    name: 'TokenAuthorizer on $LATEST', spec: 'C57',
    build: (s) => { apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn').latestVersion })); },
    expect: [{ rule: 'QualifierMismatch', path: AUTH, includes: ['$LATEST'] }],
  },
  {
    name: 'TokenAuthorizer AuthorizerUri overridden to another function', spec: 'C56',
    build: (s) => {
      const other = fn(s, 'Other');
      const auth = new apigw.TokenAuthorizer(s, 'Auth', { handler: fn(s, 'AuthFn') });
      apiWith(s, auth);
      (auth.node.defaultChild as apigw.CfnAuthorizer).addPropertyOverride('AuthorizerUri', lambdaUri(other.functionArn));
    },
    expect: [{ rule: 'MissingPermission', path: AUTH, includes: ['Other'] }],
  },
  {
    name: 'TokenAuthorizer on Function.fromFunctionArn in an env-agnostic stack', spec: 'C53',
    build: (s) => {
      apiWith(s, new apigw.TokenAuthorizer(s, 'Auth', {
        handler: lambda.Function.fromFunctionArn(s, 'AuthFn', 'arn:aws:lambda:us-east-1:111111111111:function:authz'),
      }));
    },
    expect: [{ rule: 'Unverifiable', path: AUTH, includes: ['environment-agnostic'] }],
  },
  {
    name: 'authorizer URI with a stage variable: one stage resolves to an ungranted alias, one leaves it unset', spec: 'C21',
    build: (s) => {
      const f = fn(s, 'AuthFn');
      const live = f.addAlias('live');
      new lambda.Alias(s, 'Beta', { aliasName: 'beta', version: f.currentVersion });
      const api = new apigw.RestApi(s, 'Api', { deployOptions: { stageName: 'prod', variables: { authAlias: 'live' } } });
      api.root.addResource('items').addMethod('GET');
      new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'Dep2', { api }), stageName: 'dev', variables: { authAlias: 'beta' } });
      new apigw.Stage(s, 'Qa', { deployment: new apigw.Deployment(s, 'Dep3', { api }), stageName: 'qa' });
      l1Authorizer(s, api, `${f.functionArn}:\${stageVariables.authAlias}`);
      live.addPermission('P', { principal: APIGW, sourceArn: authzArn(api, '*') });
    },
    expect: [
      { rule: 'QualifierMismatch', path: RAW, includes: ['\'beta\'', 'stage \'dev\''], excludes: ['stage \'prod\''] },
      { rule: 'Unverifiable', path: RAW, includes: ['authAlias', 'stage \'qa\''] },
    ],
  },
];

describe('REST Lambda authorizers', () => {
  test.each(good.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('good %s', (_n, c) => expectClean(c));
  test.each(bad.map((c) => [`${c.spec ?? '-'}: ${c.name}`, c] as const))('bad %s', (_n, c) => { expectFindings(c); });
});

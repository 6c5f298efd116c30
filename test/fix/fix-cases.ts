/** Apps for the fix-mode tables: each is a real CDK app with one kind of permission gap (or none). */
import { App, Aws, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';

/** Invocation URI of a function ARN (REST, WebSocket, authorizers). */
export function lambdaUri(stack: Stack, functionArn: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** A REST API with one mock method (the L2 refuses to synthesize an API without methods). */
export function restApi(stack: Stack, id = 'Api'): apigw.RestApi {
  const api = new apigw.RestApi(stack, id);
  api.root.addMethod('OPTIONS', new apigw.MockIntegration());
  return api;
}

/** An L1 REST method calling `functionArn` (no permission: L1s never add one, §7.6.1). */
export function cfnMethod(stack: Stack, id: string, api: apigw.IRestApi, resourceId: string, httpMethod: string,
  functionArn: string, integrationHttpMethod = 'POST'): apigw.CfnMethod {
  return new apigw.CfnMethod(stack, id, {
    restApiId: api.restApiId,
    resourceId,
    httpMethod,
    authorizationType: 'NONE',
    integration: { type: 'AWS_PROXY', integrationHttpMethod, uri: lambdaUri(stack, functionArn) },
  });
}

export interface AppCase {
  readonly name: string;
  readonly spec?: string;
  readonly build: (app: App) => void;
}

export interface FixableCase extends AppCase {
  /** Rules report mode finds before the fix (without the `ApiGwLambda-` prefix). */
  readonly before: readonly string[];
  /** SourceArn resource parts after the API id of the permissions the fix adds. */
  readonly added: readonly string[];
  /** Construct path that gets the `fixed:` info annotation. */
  readonly fixedOn: string;
}

export const REST_L1: FixableCase = {
  name: 'REST L1 CfnMethod with a path parameter',
  spec: 'C52, C02',
  before: ['MissingPermission'],
  added: ['prod/GET/items/*'],
  fixedOn: '/Stack/GetItem',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    cfnMethod(s, 'GetItem', api, api.root.addResource('items').addResource('{id}').resourceId, 'GET', f.functionArn);
  },
};

export const REST_ANY_ROOT: FixableCase = {
  name: 'REST L1 ANY on the root and GET on a nested path',
  spec: 'C04, C07, C08',
  before: ['MissingPermission', 'MissingPermission'],
  added: ['prod/*/', 'prod/GET/a/b'],
  fixedOn: '/Stack/AnyRoot',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    cfnMethod(s, 'AnyRoot', api, api.root.resourceId, 'ANY', f.functionArn);
    cfnMethod(s, 'GetAB', api, api.root.addResource('a').addResource('b').resourceId, 'GET', f.functionArn);
  },
};

export const EXTRA_STAGE: FixableCase = {
  name: 'REST LambdaIntegration with an extra stage',
  spec: 'C10',
  before: ['SourceArnMismatch'],
  added: ['dev/GET/items'],
  fixedOn: '/Stack/Api/Default/items/GET/Resource',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = new apigw.RestApi(s, 'Api');
    api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    new apigw.Stage(s, 'Dev', { deployment: new apigw.Deployment(s, 'DevDeployment', { api }), stageName: 'dev' });
  },
};

export const ALIAS_MISMATCH: FixableCase = {
  name: 'REST method calls an alias while the permission is on the function',
  spec: 'C17',
  before: ['QualifierMismatch'],
  added: ['prod/POST/orders'],
  fixedOn: '/Stack/PostOrder',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const alias = new lambda.Alias(s, 'Live', { aliasName: 'live', version: f.currentVersion });
    const api = new apigw.RestApi(s, 'Api');
    api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    cfnMethod(s, 'PostOrder', api, api.root.addResource('orders').resourceId, 'POST', alias.functionArn);
  },
};

export const HTTP_ROUTES: FixableCase = {
  name: 'HTTP API (L1) routes with a parameter, ANY and $default',
  spec: 'C38, C40, C44',
  before: ['MissingPermission'],
  added: ['prod/$default', 'prod/*/things', 'prod/GET/items/{id}'],
  fixedOn: '/Stack/Integration',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = new apigwv2.CfnApi(s, 'HttpApi', { name: 'http', protocolType: 'HTTP' });
    const integ = new apigwv2.CfnIntegration(s, 'Integration', {
      apiId: api.ref, integrationType: 'AWS_PROXY', integrationUri: f.functionArn, payloadFormatVersion: '2.0',
    });
    for (const [id, routeKey] of [['GetItem', 'GET /items/{id}'], ['AnyThings', 'ANY /things'], ['DefaultRoute', '$default']]) {
      new apigwv2.CfnRoute(s, id, { apiId: api.ref, routeKey, target: `integrations/${integ.ref}` });
    }
    new apigwv2.CfnStage(s, 'Prod', { apiId: api.ref, stageName: 'prod', autoDeploy: true });
  },
};

export const WEBSOCKET_ROUTES: FixableCase = {
  name: 'WebSocket integration shared by three routes, permission only for $connect',
  spec: 'C47',
  before: ['SourceArnMismatch'],
  added: ['prod/$default', 'prod/$disconnect'],
  fixedOn: '/Stack/Integration',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = new apigwv2.CfnApi(s, 'WsApi', { name: 'ws', protocolType: 'WEBSOCKET', routeSelectionExpression: '$request.body.action' });
    const integ = new apigwv2.CfnIntegration(s, 'Integration', {
      apiId: api.ref, integrationType: 'AWS_PROXY', integrationUri: lambdaUri(s, f.functionArn),
    });
    for (const [id, routeKey] of [['Connect', '$connect'], ['Disconnect', '$disconnect'], ['DefaultRoute', '$default']]) {
      new apigwv2.CfnRoute(s, id, { apiId: api.ref, routeKey, target: `integrations/${integ.ref}` });
    }
    new apigwv2.CfnStage(s, 'Prod', { apiId: api.ref, stageName: 'prod' });
    f.addPermission('Connect', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: s.formatArn({ service: 'execute-api', resource: api.ref, resourceName: '*$connect' }),
    });
  },
};

export const REST_AUTHORIZER: FixableCase = {
  name: 'REST L1 Lambda authorizer',
  spec: 'C48, C49',
  before: ['MissingPermission'],
  added: ['authorizers/${Auth}'],
  fixedOn: '/Stack/Auth',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const authFn = fn(s, 'AuthFn');
    const api = new apigw.RestApi(s, 'Api');
    const auth = new apigw.CfnAuthorizer(s, 'Auth', {
      restApiId: api.restApiId, name: 'auth', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
      authorizerUri: lambdaUri(s, authFn.functionArn),
    });
    auth.overrideLogicalId('Auth');
    api.root.addResource('secure').addMethod('GET', new apigw.LambdaIntegration(f), {
      authorizationType: apigw.AuthorizationType.CUSTOM, authorizer: { authorizerId: auth.ref },
    });
  },
};

export const OPENAPI_BODY: FixableCase = {
  name: 'SpecRestApi inline OpenAPI body (one operation with httpMethod GET)',
  spec: 'C51, C62',
  before: ['IntegrationHttpMethod', 'MissingPermission', 'MissingPermission'],
  added: ['prod/GET/pets/*', 'prod/POST/pets'],
  fixedOn: '/Stack/Api/Resource',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const integ = (httpMethod: string) => ({ type: 'aws_proxy', httpMethod, uri: lambdaUri(s, f.functionArn) });
    new apigw.SpecRestApi(s, 'Api', {
      apiDefinition: apigw.ApiDefinition.fromInline({
        openapi: '3.0.1',
        info: { title: 'pets', version: '1' },
        paths: {
          '/pets/{petId}': { get: { 'x-amazon-apigateway-integration': integ('POST') } },
          '/pets': { post: { 'x-amazon-apigateway-integration': integ('GET') } },
        },
      }),
    });
  },
};

export const POST_FIX: FixableCase = {
  name: 'REST L1 Lambda integration with IntegrationHttpMethod GET and no permission',
  spec: 'C62, C52',
  before: ['IntegrationHttpMethod', 'MissingPermission'],
  added: ['prod/GET/items'],
  fixedOn: '/Stack/GetItems',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', f.functionArn, 'GET');
  },
};

export const CROSS_STACK: FixableCase = {
  name: 'function in another stack',
  spec: '§7.6.3',
  before: ['MissingPermission'],
  added: ['prod/GET/items'],
  fixedOn: '/ApiStack/GetItems',
  build: (app) => {
    const fnStack = new Stack(app, 'FnStack');
    const f = fn(fnStack, 'Handler');
    const s = new Stack(app, 'ApiStack');
    const api = restApi(s);
    cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', f.functionArn);
  },
};

/**
 * The function's stack already depends on the API's stack (an environment variable holds the API
 * id) and the integration names the function by its physical name: a permission in the API stack
 * referencing the function would close a cycle, so it must go into the function's stack.
 */
export const CROSS_STACK_CYCLE: FixableCase = {
  name: 'function stack depends on the API stack',
  before: ['MissingPermission'],
  added: ['prod/GET/items'],
  fixedOn: '/ApiStack/GetItems',
  build: (app) => {
    const s = new Stack(app, 'ApiStack');
    const api = restApi(s);
    const fnStack = new Stack(app, 'FnStack');
    fn(fnStack, 'Handler', { functionName: 'fixed-name-handler', environment: { API_ID: api.restApiId } });
    const arn = `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:fixed-name-handler`;
    cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', arn);
  },
};

export const NESTED_STACK: FixableCase = {
  name: 'L1 method in a nested stack, API and function in the parent',
  before: ['MissingPermission'],
  added: ['prod/GET/items'],
  fixedOn: '/Stack/Nested/GetItems',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    const items = api.root.addResource('items');
    const nested = new NestedStack(s, 'Nested');
    cfnMethod(nested, 'GetItems', api, items.resourceId, 'GET', f.functionArn);
  },
};

/** A ResourcePolicy (with a Deny) on an alias sets the alias's policy only: the function's own policy still takes a Permission (§6.5). */
export const RESOURCE_POLICY_ON_ALIAS: FixableCase = {
  name: 'ResourcePolicy on an alias, method invoking the unqualified function',
  spec: '§6.5, §6.9',
  before: ['MissingPermission'],
  added: ['prod/GET/items'],
  fixedOn: '/Stack/GetItems',
  build: (app) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const alias = new lambda.Alias(s, 'Live', { aliasName: 'live', version: f.currentVersion });
    new lambda.CfnResourcePolicy(s, 'AliasPolicy', {
      resourceArn: alias.functionArn,
      policyDocument: { Version: '2012-10-17', Statement: [
        { Effect: 'Deny', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: alias.functionArn },
      ] },
    });
    const api = restApi(s);
    cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', f.functionArn);
  },
};

export const FIXABLE: readonly FixableCase[] = [
  REST_L1, REST_ANY_ROOT, EXTRA_STAGE, ALIAS_MISMATCH, HTTP_ROUTES, WEBSOCKET_ROUTES, REST_AUTHORIZER, OPENAPI_BODY, POST_FIX,
  CROSS_STACK, CROSS_STACK_CYCLE, NESTED_STACK, RESOURCE_POLICY_ON_ALIAS,
];

/** Apps with nothing to fix: fix mode must leave their templates exactly as report mode does. */
export const GOOD: readonly AppCase[] = [
  {
    name: 'REST LambdaIntegration defaults',
    spec: 'C01',
    build: (app) => {
      const s = new Stack(app, 'Stack');
      const api = new apigw.RestApi(s, 'Api');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'Handler')));
    },
  },
  {
    name: 'LambdaRestApi proxy',
    spec: 'C04',
    build: (app) => {
      const s = new Stack(app, 'Stack');
      new apigw.LambdaRestApi(s, 'Api', { handler: fn(s, 'Handler') });
    },
  },
];

/**
 * Apps whose gap fix mode must not "fix" with a new grant (semantics.md §6.9, C58/C59): an explicit
 * Deny wins over any Allow, and an AWS::Lambda::ResourcePolicy replaces the statements that
 * AWS::Lambda::Permission adds. Fix mode adds nothing, claims nothing, and the error names the cause.
 */
export interface BlockedCase extends AppCase {
  /** The one error rule (without the `ApiGwLambda-` prefix), before and after fix mode. */
  readonly rule: string;
  /** Construct path of the error. */
  readonly on: string;
  readonly includes: readonly string[];
  readonly excludes?: readonly string[];
}

const APIGW = 'apigateway.amazonaws.com';

/** An L1 `GET /items` (no CDK permission) on a REST API, with an AWS::Lambda::ResourcePolicy of `statements` on the function. */
function withResourcePolicy(statements: (f: lambda.IFunction, api: apigw.RestApi) => object[]) {
  return (app: App) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', f.functionArn);
    new lambda.CfnResourcePolicy(s, 'Policy', {
      resourceArn: f.functionArn,
      policyDocument: { Version: '2012-10-17', Statement: statements(f, api) },
    });
  };
}

function allowApiGw(f: lambda.IFunction, api: apigw.RestApi, path = '*/GET/items'): object {
  return {
    Effect: 'Allow', Principal: { Service: APIGW }, Action: 'lambda:InvokeFunction', Resource: f.functionArn,
    Condition: { ArnLike: { 'aws:SourceArn': Stack.of(api).formatArn({ service: 'execute-api', resource: api.restApiId, resourceName: path }) } },
  };
}

const denyApiGw = (f: lambda.IFunction): object =>
  ({ Sid: 'NoApiGateway', Effect: 'Deny', Principal: { Service: APIGW }, Action: 'lambda:InvokeFunction', Resource: f.functionArn });

/** `GET /items` through `LambdaIntegration({ credentialsRole })`; the role is granted the function and denied lambda:Invoke*. */
function deniedRole(app: App): void {
  const s = new Stack(app, 'Stack');
  const f = fn(s, 'Handler');
  const role = new iam.Role(s, 'InvokeRole', { assumedBy: new iam.ServicePrincipal(APIGW) });
  role.addToPolicy(new iam.PolicyStatement({ sid: 'NoInvoke', effect: iam.Effect.DENY, actions: ['lambda:Invoke*'], resources: ['*'] }));
  new apigw.RestApi(s, 'Api').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f, { credentialsRole: role }));
}

/**
 * `GET /items` through `LambdaIntegration({ credentialsRole })`, the role under a permissions boundary
 * that allows only s3:GetObject; `granted`: the role is granted the function (fn.grantInvoke).
 */
export function boundedRole(granted: boolean) {
  return (app: App): void => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const boundary = new iam.ManagedPolicy(s, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const role = new iam.Role(s, 'InvokeRole', { assumedBy: new iam.ServicePrincipal(APIGW), permissionsBoundary: boundary });
    if (granted) f.grantInvoke(role);
    new apigw.RestApi(s, 'Api').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f, { credentialsRole: role }));
  };
}

export const BLOCKED: readonly BlockedCase[] = [
  {
    name: 'credentials role granted the function, but its permissions boundary does not allow the call',
    spec: 'C32, §0 mode B',
    rule: 'CredentialsRoleCannotInvoke',
    on: '/Stack/Api/Default/items/GET/Resource',
    build: boundedRole(true),
    includes: ['its permissions boundary does not allow it', 'Fix: allow lambda:InvokeFunction on it in the role\'s permissions boundary'],
    excludes: ['grantInvoke'],
  },
  {
    name: 'ResourcePolicy: explicit Deny beside a correct Allow',
    spec: 'C59',
    rule: 'GrantMismatch',
    on: '/Stack/GetItems',
    build: withResourcePolicy((f, api) => [allowApiGw(f, api), denyApiGw(f)]),
    includes: ['explicit Deny in Policy (Statement[1], Sid \'NoApiGateway\')', 'Remove or narrow', 'overrides every Allow'],
    excludes: ['Add a statement'],
  },
  {
    name: 'ResourcePolicy with only a Deny: no grant at all, and the Deny still blocks',
    spec: 'C58, C59',
    rule: 'MissingPermission',
    on: '/Stack/GetItems',
    build: withResourcePolicy((f) => [denyApiGw(f)]),
    includes: ['explicit Deny in Policy (Statement[0], Sid \'NoApiGateway\')', 'PolicyDocument of AWS::Lambda::ResourcePolicy Policy'],
    excludes: ['Add an AWS::Lambda::Permission'],
  },
  {
    name: 'ResourcePolicy without a statement for API Gateway: a Permission beside it would be overwritten',
    spec: 'C58',
    rule: 'MissingPermission',
    on: '/Stack/GetItems',
    build: withResourcePolicy((f) => [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: f.functionArn }]),
    includes: ['Add an Allow statement', 'PolicyDocument of AWS::Lambda::ResourcePolicy Policy', 'overwritten'],
    excludes: ['Add an AWS::Lambda::Permission'],
  },
  {
    name: 'ResourcePolicy whose Allow covers another path',
    spec: 'C58, C14',
    rule: 'SourceArnMismatch',
    on: '/Stack/GetItems',
    build: withResourcePolicy((f, api) => [allowApiGw(f, api, '*/GET/other')]),
    includes: ['path /items not covered', 'PolicyDocument of AWS::Lambda::ResourcePolicy Policy'],
    excludes: ['Add a permission'],
  },
  {
    name: 'credentials role with an explicit Deny on lambda:Invoke*',
    spec: 'C32, §0 mode B',
    rule: 'CredentialsRoleCannotInvoke',
    on: '/Stack/Api/Default/items/GET/Resource',
    build: deniedRole,
    includes: ['explicit Deny in AWS::IAM::Policy InvokeRoleDefaultPolicy', 'Sid \'NoInvoke\'', 'Remove or narrow'],
    excludes: ['arn:*', 'grantInvoke'],
  },
  {
    name: 'caller role (passthrough) with an explicit Deny on lambda:InvokeFunction',
    spec: 'C37',
    rule: 'CallerCredentials',
    on: '/Stack/Api/Default/items/GET/Resource',
    build: (app) => {
      const s = new Stack(app, 'Stack');
      const api = new apigw.RestApi(s, 'Api');
      const method = api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'Handler'), { credentialsPassthrough: true }),
        { authorizationType: apigw.AuthorizationType.IAM });
      const caller = new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
      method.grantExecute(caller);
      caller.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    },
    includes: ['explicit Deny in AWS::IAM::Policy CallerDefaultPolicy', 'Remove or narrow'],
    excludes: ['grantInvoke'],
  },
];

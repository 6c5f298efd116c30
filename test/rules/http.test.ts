/**
 * HTTP APIs (semantics.md §1.2, §3, §5, §7.3; cases C38-C45, C48, C49, C52, C13, C14, C56):
 * real CDK apps (L2 `HttpApi` + `HttpLambdaIntegration`/`HttpLambdaAuthorizer`, and L1 `CfnApi`,
 * `CfnIntegration`, `CfnRoute`, `CfnStage`, quick create) checked by the Aspect.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

/** An L1 HTTP API with one Lambda integration and the given routes (no permission). */
function l1Http(stack: Stack, handler: lambda.IFunction, routeKeys: string[], opts: { stages?: string[]; uri?: string } = {}) {
  const api = new apigwv2.CfnApi(stack, 'Api', { name: 'l1', protocolType: 'HTTP' });
  const integ = new apigwv2.CfnIntegration(stack, 'Integ', {
    apiId: api.ref, integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0', integrationUri: opts.uri ?? handler.functionArn,
  });
  routeKeys.forEach((routeKey, i) => new apigwv2.CfnRoute(stack, `Route${i}`, {
    apiId: api.ref, routeKey, target: `integrations/${integ.ref}`,
  }));
  for (const stageName of opts.stages ?? ['$default']) {
    new apigwv2.CfnStage(stack, `Stage${stageName.replace(/\W/g, '')}`, { apiId: api.ref, stageName, autoDeploy: true });
  }
  return { api, integ };
}

/** An API Gateway permission with SourceArn `arn:…:execute-api:…:{apiId}/{rest}`. */
function permit(stack: Stack, id: string, handler: lambda.IFunction, apiId: string, rest: string, functionName?: string) {
  return new lambda.CfnPermission(stack, id, {
    action: 'lambda:InvokeFunction',
    functionName: functionName ?? handler.functionArn,
    principal: 'apigateway.amazonaws.com',
    sourceArn: stack.formatArn({ service: 'execute-api', resource: apiId, resourceName: rest }),
  });
}

/** The L1 integration under an L2 route: `<route>/<integration id>/Resource`. */
function integrationOf(route: apigwv2.HttpRoute, id: string): apigwv2.CfnIntegration {
  return route.node.findChild(id).node.defaultChild as apigwv2.CfnIntegration;
}

const good: TableCase[] = [
  {
    name: 'L2 route with a path parameter: CDK grants …/*/*/items/{id} literally',
    spec: 'C38',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      api.addRoutes({ path: '/items/{id}', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')) });
    },
  },
  {
    name: 'L2 defaultIntegration ($default route) with …/*/*',
    spec: 'C40',
    build: (s) => {
      new apigwv2.HttpApi(s, 'Api', { defaultIntegration: new HttpLambdaIntegration('Catch', fn(s, 'Fn')) });
    },
  },
  {
    name: 'L2 ANY route, {proxy+} route and several methods on one integration instance (one permission per route)',
    spec: 'C38',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      const integ = new HttpLambdaIntegration('Shared', fn(s, 'Fn'));
      api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.ANY], integration: integ });
      api.addRoutes({ path: '/files/{proxy+}', methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT], integration: integ });
      api.addRoutes({ path: '/orders/{id}', methods: [apigwv2.HttpMethod.DELETE], integration: integ });
    },
  },
  {
    name: 'L2 extra stage and no default stage: */… covers every stage',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api', { createDefaultStage: false });
      new apigwv2.HttpStage(s, 'Dev', { httpApi: api, stageName: 'dev' });
      new apigwv2.HttpStage(s, 'Prod', { httpApi: api, stageName: 'prod' });
      api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')) });
    },
  },
  {
    name: 'L2 scopePermissionToRoute:false on method routes: …/*/*/* covers them',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      const integ = new HttpLambdaIntegration('Items', fn(s, 'Fn'), { scopePermissionToRoute: false });
      api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: integ });
      api.addRoutes({ path: '/items/{id}', methods: [apigwv2.HttpMethod.GET], integration: integ });
    },
  },
  {
    name: 'L2 HttpLambdaAuthorizer on a route: …/authorizers/{authorizerId}',
    spec: 'C48',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      api.addRoutes({
        path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')),
        authorizer: new HttpLambdaAuthorizer('Auth', fn(s, 'AuthFn'), { responseTypes: [] }),
      });
    },
  },
  {
    name: 'L1 route GET /items/{id} with a SAM-style …/*/GET/items/* permission',
    spec: 'C39',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items/{id}'], { stages: ['prod'] });
      permit(s, 'Perm', f, api.ref, '*/GET/items/*');
    },
  },
  {
    name: 'L1 route GET /items/{id} with the exact stage and literal {id}',
    spec: 'C38',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items/{id}'], { stages: ['prod'] });
      permit(s, 'Perm', f, api.ref, 'prod/GET/items/{id}');
    },
  },
  ...['*/*', '*/$default', '$default/$default', '*'].map((rest): TableCase => ({
    name: `L1 $default route on the $default stage with …/${rest}`,
    spec: 'C40',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['$default']);
      permit(s, 'Perm', f, api.ref, rest);
    },
  })),
  {
    name: 'L1 integration URI in the invocation form (…:lambda:path/2015-03-31/functions/<arn>/invocations)',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items'], {
        uri: `arn:${s.partition}:apigateway:${s.region}:lambda:path/2015-03-31/functions/${f.functionArn}/invocations`,
      });
      permit(s, 'Perm', f, api.ref, '*/*/items');
    },
  },
  {
    name: 'L1 ANY route with the literal route-key method ANY',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['ANY /items']);
      permit(s, 'Perm', f, api.ref, '*/ANY/items');
    },
  },
  {
    name: 'quick create (CfnApi.target) with …/$default/$default',
    spec: 'C43',
    build: (s) => {
      const f = fn(s, 'Fn');
      const api = new apigwv2.CfnApi(s, 'Quick', { name: 'q', protocolType: 'HTTP', target: f.functionArn });
      permit(s, 'Perm', f, api.ref, '$default/$default');
    },
  },
  {
    name: 'quick create with a custom RouteKey and a matching permission',
    build: (s) => {
      const f = fn(s, 'Fn');
      const api = new apigwv2.CfnApi(s, 'Quick', { name: 'q', protocolType: 'HTTP', target: f.functionArn, routeKey: 'GET /hello' });
      permit(s, 'Perm', f, api.ref, '$default/GET/hello');
    },
  },
  {
    name: 'quick create with CredentialsArn (role mode): no resource permission needed here',
    build: (s) => {
      const f = fn(s, 'Fn');
      const role = new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
      f.grantInvoke(role);
      new apigwv2.CfnApi(s, 'Quick', { name: 'q', protocolType: 'HTTP', target: f.functionArn, credentialsArn: role.roleArn });
    },
  },
  {
    name: 'L1 authorizer with …/authorizers/* ',
    spec: 'C48',
    build: (s) => {
      const f = fn(s, 'Fn');
      const a = fn(s, 'AuthFn');
      const { api } = l1Http(s, f, ['GET /items']);
      permit(s, 'Perm', f, api.ref, '*/*/items');
      new apigwv2.CfnAuthorizer(s, 'Authz', {
        apiId: api.ref, authorizerType: 'REQUEST', name: 'authz', authorizerPayloadFormatVersion: '2.0',
        identitySource: ['$request.header.Authorization'],
        authorizerUri: `arn:${s.partition}:apigateway:${s.region}:lambda:path/2015-03-31/functions/${a.functionArn}/invocations`,
      });
      permit(s, 'AuthPerm', a, api.ref, 'authorizers/*');
    },
  },
];

const INTEG_ITEMS = '/Stack/Api/GET--items/Items/Resource';

const bad: BadCase[] = [
  {
    name: '$default route with …/*/*/$default: one segment too many',
    spec: 'C41',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['$default']);
      permit(s, 'Perm', f, api.ref, '*/*/$default');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route $default', "stage '$default'"] }],
  },
  {
    name: 'L2 defaultIntegration with scopePermissionToRoute:false: …/*/*/* does not match {api}/{stage}/$default',
    spec: 'C42',
    build: (s) => {
      new apigwv2.HttpApi(s, 'Api', {
        defaultIntegration: new HttpLambdaIntegration('Catch', fn(s, 'Fn'), { scopePermissionToRoute: false }),
      });
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Api/DefaultRoute/Catch/Resource', includes: ['route $default', '*/*/*'] }],
  },
  {
    name: 'quick create (CfnApi.target) without a permission is reported on the CfnApi',
    spec: 'C43',
    build: (s) => {
      new apigwv2.CfnApi(s, 'Quick', { name: 'q', protocolType: 'HTTP', target: fn(s, 'Fn').functionArn });
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Quick', includes: ['quick-create', "route $default on stage '$default'"] }],
  },
  {
    name: 'quick create with a permission for the wrong stage',
    spec: 'C43',
    build: (s) => {
      const f = fn(s, 'Fn');
      const api = new apigwv2.CfnApi(s, 'Quick', { name: 'q', protocolType: 'HTTP', target: f.functionArn });
      permit(s, 'Perm', f, api.ref, 'prod/$default');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Quick', includes: ["stage '$default'"] }],
  },
  {
    name: 'several routes on one CfnIntegration, a permission for one route only',
    spec: 'C44',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items', 'POST /items', 'GET /orders/{id}']);
      permit(s, 'Perm', f, api.ref, '*/GET/items');
    },
    expect: [{
      rule: 'SourceArnMismatch', path: '/Stack/Integ',
      includes: ['route POST /items', 'route GET /orders/{id}'], excludes: ['route GET /items on'],
    }],
  },
  {
    name: 'L1 CfnIntegration with no permission at all',
    spec: 'C52',
    build: (s) => {
      l1Http(s, fn(s, 'Fn'), ['GET /items']);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Integ', includes: ['route GET /items', 'Fn'] }],
  },
  {
    name: 'addPropertyOverride(IntegrationUri) to another function: its permission still targets the original',
    spec: 'C56',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      const [route] = api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')) });
      integrationOf(route, 'Items').addPropertyOverride('IntegrationUri', fn(s, 'Other').functionArn);
    },
    expect: [{ rule: 'MissingPermission', path: INTEG_ITEMS, includes: ['Other', 'route GET /items'] }],
  },
  {
    name: 'permission SourceArn names another API',
    spec: 'C13',
    build: (s) => {
      const f = fn(s, 'Fn');
      l1Http(s, f, ['GET /items']);
      const other = new apigwv2.CfnApi(s, 'OtherApi', { name: 'other', protocolType: 'HTTP' });
      permit(s, 'Perm', f, other.ref, '*/*/items');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route GET /items', 'OtherApi', 'is not this API'] }],
  },
  {
    name: 'L2 route whose permission was re-pointed at a second HttpApi',
    spec: 'C13',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      const other = new apigwv2.HttpApi(s, 'Other');
      const [route] = api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')) });
      const perm = route.node.findChild('Items-Permission') as lambda.CfnPermission;
      perm.sourceArn = s.formatArn({ service: 'execute-api', resource: other.apiId, resourceName: '*/*/items' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: INTEG_ITEMS, includes: ['route GET /items', 'is not this API'] }],
  },
  {
    name: 'ArnLike is case-sensitive: /Items does not cover /items',
    spec: 'C14',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items']);
      permit(s, 'Perm', f, api.ref, '*/GET/Items');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route GET /items', '/Items'] }],
  },
  {
    name: 'wrong method: POST permission for a GET route',
    spec: 'C14',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items']);
      permit(s, 'Perm', f, api.ref, '*/POST/items');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route GET /items', 'method GET'] }],
  },
  {
    name: 'ANY route covered only by a GET permission',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['ANY /items']);
      permit(s, 'Perm', f, api.ref, '*/GET/items');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route ANY /items'] }],
  },
  {
    name: 'permission pinned to stage prod while stage dev also deploys the API',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Http(s, f, ['GET /items'], { stages: ['prod', 'dev'] });
      permit(s, 'Perm', f, api.ref, 'prod/GET/items');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ["stage 'dev'"], excludes: ["stage 'prod'"] }],
  },
  {
    name: 'L1 HTTP authorizer without a permission is reported on the CfnAuthorizer',
    spec: 'C48',
    build: (s) => {
      const f = fn(s, 'Fn');
      const a = fn(s, 'AuthFn');
      const { api } = l1Http(s, f, ['GET /items']);
      permit(s, 'Perm', f, api.ref, '*/*/items');
      new apigwv2.CfnAuthorizer(s, 'Authz', {
        apiId: api.ref, authorizerType: 'REQUEST', name: 'authz', authorizerPayloadFormatVersion: '2.0',
        identitySource: ['$request.header.Authorization'],
        authorizerUri: `arn:${s.partition}:apigateway:${s.region}:lambda:path/2015-03-31/functions/${a.functionArn}/invocations`,
      });
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Authz', includes: ['authorizer', 'AuthFn'] }],
  },
  {
    name: 'authorizer function with only a method-style permission',
    spec: 'C49',
    build: (s) => {
      const f = fn(s, 'Fn');
      const a = fn(s, 'AuthFn');
      const { api } = l1Http(s, f, ['GET /items']);
      permit(s, 'Perm', f, api.ref, '*/*/items');
      new apigwv2.CfnAuthorizer(s, 'Authz', {
        apiId: api.ref, authorizerType: 'REQUEST', name: 'authz', authorizerPayloadFormatVersion: '2.0',
        identitySource: ['$request.header.Authorization'],
        authorizerUri: `arn:${s.partition}:apigateway:${s.region}:lambda:path/2015-03-31/functions/${a.functionArn}/invocations`,
      });
      permit(s, 'AuthPerm', a, api.ref, '*/GET/*');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Authz', includes: ['authorizers/'] }],
  },
  {
    name: 'L2 HttpLambdaAuthorizer whose permission was removed',
    spec: 'C48',
    build: (s) => {
      const api = new apigwv2.HttpApi(s, 'Api');
      const authFn = fn(s, 'AuthFn');
      api.addRoutes({
        path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', fn(s, 'Fn')),
        authorizer: new HttpLambdaAuthorizer('Auth', authFn, { responseTypes: [] }),
      });
      // Escape hatch (§7.6.8): the authorizer's permission is a child of the handler.
      for (const p of api.node.children.filter((c) => c instanceof lambda.CfnPermission)) api.node.tryRemoveChild(p.node.id);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Api/Auth/Resource', includes: ['authorizer', 'AuthFn'] }],
  },
];

describe('HTTP API: correct apps report nothing', () => {
  test.each(good.map((c) => [c.name, c] as const))('%s', (_n, c) => expectClean(c));
});

describe('HTTP API: misconfigurations are reported on the integration, authorizer or quick-create API', () => {
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectFindings(c);
  });
});

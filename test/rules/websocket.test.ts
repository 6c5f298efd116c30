/**
 * WebSocket APIs (semantics.md §1.3, §4, §5, §7.4; cases C46, C47, C48): SourceArn
 * `…:{apiId}/{stage}/{routeKey}`; authorizers `…/authorizers/{id}` and only on `$connect`.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

/** WebSocket integration URI: the invocation form (§1.3). */
function invocationUri(stack: Stack, handler: lambda.IFunction): string {
  return `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${handler.functionArn}/invocations`;
}

/** An L1 WebSocket API whose route keys all share one Lambda integration (no permission). */
function l1Ws(stack: Stack, handler: lambda.IFunction, routeKeys: string[], stages: string[] = ['prod']) {
  const api = new apigwv2.CfnApi(stack, 'Ws', { name: 'ws', protocolType: 'WEBSOCKET', routeSelectionExpression: '$request.body.action' });
  const integ = new apigwv2.CfnIntegration(stack, 'Integ', {
    apiId: api.ref, integrationType: 'AWS_PROXY', integrationUri: invocationUri(stack, handler),
  });
  routeKeys.forEach((routeKey, i) => new apigwv2.CfnRoute(stack, `Route${i}`, {
    apiId: api.ref, routeKey, target: `integrations/${integ.ref}`,
  }));
  for (const stageName of stages) new apigwv2.CfnStage(stack, `Stage${stageName}`, { apiId: api.ref, stageName });
  return { api, integ };
}

function permit(stack: Stack, id: string, handler: lambda.IFunction, apiId: string, rest: string) {
  return new lambda.CfnPermission(stack, id, {
    action: 'lambda:InvokeFunction',
    functionName: handler.functionArn,
    principal: 'apigateway.amazonaws.com',
    sourceArn: stack.formatArn({ service: 'execute-api', resource: apiId, resourceName: rest }),
  });
}

function l1Authorizer(stack: Stack, api: apigwv2.CfnApi, handler: lambda.IFunction) {
  return new apigwv2.CfnAuthorizer(stack, 'Authz', {
    apiId: api.ref, authorizerType: 'REQUEST', name: 'authz', identitySource: ['route.request.header.Auth'],
    authorizerUri: invocationUri(stack, handler),
  });
}

const good: TableCase[] = [
  {
    name: 'L2 WebSocketApi: $connect/$disconnect/$default/sendmessage each with an integration and an authorizer',
    spec: 'C46',
    build: (s) => {
      const ws = new apigwv2.WebSocketApi(s, 'Ws', {
        connectRouteOptions: {
          integration: new WebSocketLambdaIntegration('Connect', fn(s, 'ConnectFn')),
          authorizer: new WebSocketLambdaAuthorizer('Auth', fn(s, 'AuthFn')),
        },
        disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('Disconnect', fn(s, 'DisconnectFn')) },
        defaultRouteOptions: { integration: new WebSocketLambdaIntegration('DefaultInteg', fn(s, 'DefaultFn')) },
      });
      ws.addRoute('sendmessage', { integration: new WebSocketLambdaIntegration('Send', fn(s, 'SendFn')) });
      new apigwv2.WebSocketStage(s, 'Prod', { webSocketApi: ws, stageName: 'prod', autoDeploy: true });
      new apigwv2.WebSocketStage(s, 'Dev', { webSocketApi: ws, stageName: 'dev', autoDeploy: true });
    },
  },
  {
    name: 'L2 one WebSocketLambdaIntegration instance shared by three routes (aws-cdk-lib 2.276 binds once per route)',
    spec: 'C47',
    build: (s) => {
      const shared = new WebSocketLambdaIntegration('Shared', fn(s, 'Fn'));
      const ws = new apigwv2.WebSocketApi(s, 'Ws', {
        connectRouteOptions: { integration: shared },
        disconnectRouteOptions: { integration: shared },
        defaultRouteOptions: { integration: shared },
      });
      new apigwv2.WebSocketStage(s, 'Prod', { webSocketApi: ws, stageName: 'prod' });
    },
  },
  ...['*$connect', '*/$connect', '*/*$connect', 'prod/$connect', '*'].map((rest): TableCase => ({
    name: `L1 $connect with …/${rest}`,
    spec: 'C46',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect']);
      permit(s, 'Perm', f, api.ref, rest);
    },
  })),
  {
    name: 'L1 shared integration with one permission per route key',
    spec: 'C47',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect', '$disconnect', '$default']);
      ['$connect', '$disconnect', '$default'].forEach((k, i) => permit(s, `Perm${i}`, f, api.ref, `*/${k}`));
    },
  },
  {
    name: 'L1 authorizer with …/authorizers/*',
    spec: 'C48',
    build: (s) => {
      const f = fn(s, 'Fn');
      const a = fn(s, 'AuthFn');
      const { api } = l1Ws(s, f, ['$connect']);
      permit(s, 'Perm', f, api.ref, '*$connect');
      l1Authorizer(s, api, a);
      permit(s, 'AuthPerm', a, api.ref, 'authorizers/*');
    },
  },
];

const bad: BadCase[] = [
  {
    name: 'L1 shared integration, permission only for $connect',
    spec: 'C47',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect', '$disconnect', '$default']);
      permit(s, 'Perm', f, api.ref, '*$connect');
    },
    expect: [{
      rule: 'SourceArnMismatch', path: '/Stack/Integ',
      includes: ["route $disconnect on stage 'prod'", "route $default on stage 'prod'", "route $disconnect not covered (grant covers route key '$connect')"], excludes: ['route $connect on'],
    }],
  },
  {
    name: 'L2 shared integration whose $disconnect/$default permissions are gone (the aws-cdk#38148 shape)',
    spec: 'C47',
    build: (s) => {
      const f = fn(s, 'Fn');
      const shared = new WebSocketLambdaIntegration('Shared', f);
      const ws = new apigwv2.WebSocketApi(s, 'Ws', {
        connectRouteOptions: { integration: shared },
        disconnectRouteOptions: { integration: shared },
        defaultRouteOptions: { integration: shared },
      });
      new apigwv2.WebSocketStage(s, 'Prod', { webSocketApi: ws, stageName: 'prod' });
      for (const route of ['$disconnect-Route', '$default-Route']) {
        const r = ws.node.findChild(route);
        for (const c of r.node.children.filter((x) => x instanceof lambda.CfnPermission)) r.node.tryRemoveChild(c.node.id);
      }
    },
    // The integration resource is created under the first route that binds it ($connect).
    expect: [{
      rule: 'SourceArnMismatch', path: '/Stack/Ws/$connect-Route/Shared/Resource',
      includes: ['route $disconnect', 'route $default'], excludes: ['route $connect on'],
    }],
  },
  {
    name: 'L1 WebSocket integration with no permission',
    spec: 'C52',
    build: (s) => {
      l1Ws(s, fn(s, 'Fn'), ['sendmessage']);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Integ', includes: ["route sendmessage on stage 'prod'"] }],
  },
  {
    name: '…/*/*/$connect needs a third segment: it does not match {api}/{stage}/$connect',
    spec: 'C46',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect']);
      permit(s, 'Perm', f, api.ref, '*/*/$connect');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route $connect', '*/*/$connect'] }],
  },
  {
    name: 'custom route keys are case-sensitive: sendMessage does not cover sendmessage',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['sendmessage']);
      permit(s, 'Perm', f, api.ref, '*/sendMessage');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ['route sendmessage', 'sendMessage'] }],
  },
  {
    name: 'permission pinned to stage prod; stage dev also deploys the API',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect'], ['prod', 'dev']);
      permit(s, 'Perm', f, api.ref, 'prod/$connect');
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Integ', includes: ["stage 'dev'"], excludes: ["stage 'prod'"] }],
  },
  {
    name: 'L1 WebSocket authorizer without a permission',
    spec: 'C48',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect']);
      permit(s, 'Perm', f, api.ref, '*$connect');
      l1Authorizer(s, api, fn(s, 'AuthFn'));
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Authz', includes: ['authorizer', 'AuthFn'] }],
  },
  {
    name: 'WebSocket authorizer covered only by the $connect route permission',
    spec: 'C49',
    build: (s) => {
      const f = fn(s, 'Fn');
      const { api } = l1Ws(s, f, ['$connect']);
      permit(s, 'Perm', f, api.ref, '*$connect');
      l1Authorizer(s, api, f);
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Authz', includes: ['authorizers/'] }],
  },
  {
    name: 'L2 WebSocketLambdaAuthorizer whose permission was removed',
    spec: 'C48',
    build: (s) => {
      const ws = new apigwv2.WebSocketApi(s, 'Ws', {
        connectRouteOptions: {
          integration: new WebSocketLambdaIntegration('Connect', fn(s, 'Fn')),
          authorizer: new WebSocketLambdaAuthorizer('Auth', fn(s, 'AuthFn')),
        },
      });
      new apigwv2.WebSocketStage(s, 'Prod', { webSocketApi: ws, stageName: 'prod' });
      for (const c of ws.node.children.filter((x) => x instanceof lambda.CfnPermission)) ws.node.tryRemoveChild(c.node.id);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Ws/Auth/Resource', includes: ['authorizer', 'AuthFn'] }],
  },
];

describe('WebSocket API: correct apps report nothing', () => {
  test.each(good.map((c) => [c.name, c] as const))('%s', (_n, c) => expectClean(c));
});

describe('WebSocket API: misconfigurations are reported on the integration or authorizer', () => {
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectFindings(c);
  });
});

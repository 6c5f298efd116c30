/**
 * Function references and qualifiers (semantics.md §6.5, §6.6; cases C17-C20, C45, C55, C57):
 * every accepted FunctionName form reduces to one (function, qualifier) identity, and the qualifier
 * the integration invokes must be the one that carries the permission.
 */
import { Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fn } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ENV: StackProps = { env: { account: ACCOUNT, region: REGION } };
const ORDERS_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders`;

/** The function `orders` (literal physical name, so literal names and ARNs can name it) and its alias `live`. */
function orders(s: Stack) {
  const f = fn(s, 'Orders', { functionName: 'orders' });
  const alias = new lambda.Alias(s, 'Live', { aliasName: 'live', version: f.currentVersion });
  return { f, alias };
}

/** L1 HTTP API: route `GET /items` → integration with `uri`, stage `$default`. */
function l1Http(s: Stack, uri: string) {
  const api = new apigwv2.CfnApi(s, 'Api', { name: 'refs', protocolType: 'HTTP' });
  const integ = new apigwv2.CfnIntegration(s, 'Integ', { apiId: api.ref, integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0', integrationUri: uri });
  new apigwv2.CfnRoute(s, 'Route', { apiId: api.ref, routeKey: 'GET /items', target: `integrations/${integ.ref}` });
  new apigwv2.CfnStage(s, 'Stage', { apiId: api.ref, stageName: '$default', autoDeploy: true });
  return api;
}

function permit(s: Stack, id: string, functionName: string, apiId: string) {
  return new lambda.CfnPermission(s, id, {
    action: 'lambda:InvokeFunction', functionName, principal: 'apigateway.amazonaws.com',
    sourceArn: s.formatArn({ service: 'execute-api', resource: apiId, resourceName: '*/*/items' }),
  });
}

/** An L2 route `GET /items` on an HttpApi with the given handler; returns the route. */
function l2Route(s: Stack, handler: lambda.IFunction) {
  const api = new apigwv2.HttpApi(s, 'Http');
  const [route] = api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', handler) });
  return route;
}

const L2_INTEG = '/Stack/Http/GET--items/Items/Resource';

/** Permission FunctionName forms for the alias `orders:live` (C19). */
const ALIAS_FORMS: Array<[string, (s: Stack, a: lambda.Alias) => string]> = [
  ['name:alias', () => 'orders:live'],
  ['partial ARN with alias', () => `${ACCOUNT}:function:orders:live`],
  ['full alias ARN', () => `${ORDERS_ARN}:live`],
  ['Ref of the AWS::Lambda::Alias', (_s, a) => a.functionArn],
];

/** Permission FunctionName forms for the unqualified function (C20). */
const UNQUALIFIED_FORMS: Array<[string, (s: Stack, f: lambda.Function) => string]> = [
  ['name', () => 'orders'],
  ['partial ARN', () => `${ACCOUNT}:function:orders`],
  ['full ARN', () => ORDERS_ARN],
  ['Ref of the function (its name)', (_s, f) => f.functionName],
  ['GetAtt Arn', (_s, f) => f.functionArn],
];

/** Integration URI forms for the alias (bare function ARN for HTTP APIs, §1.2). */
const ALIAS_URIS: Array<[string, (s: Stack, a: lambda.Alias) => string]> = [
  ['Ref of the alias', (_s, a) => a.functionArn],
  ['literal alias ARN', () => `${ORDERS_ARN}:live`],
  ['invocation URI of the alias', (s, a) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${a.functionArn}/invocations`],
];

const good: TableCase[] = [
  {
    name: 'L2 HttpLambdaIntegration(alias): the CDK grants the alias',
    spec: 'C19',
    build: (s) => {
      l2Route(s, orders(s).alias);
    },
  },
  {
    name: 'L2 HttpLambdaIntegration(fn.currentVersion): the CDK grants the version',
    build: (s) => {
      l2Route(s, orders(s).f.currentVersion);
    },
  },
  {
    name: 'L2 HttpLambdaIntegration(new lambda.Version)',
    build: (s) => {
      const f = fn(s, 'Fn');
      l2Route(s, new lambda.Version(s, 'V1', { lambda: f }));
    },
  },
  {
    name: 'REST LambdaIntegration(alias)',
    spec: 'C19',
    build: (s) => {
      const api = new apigw.RestApi(s, 'Rest');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(orders(s).alias));
    },
  },
  {
    name: 'Function.fromFunctionName with HttpLambdaIntegration: the permission is synthesized',
    spec: 'C55',
    stackProps: ENV,
    build: (s) => {
      fn(s, 'Orders', { functionName: 'orders' });
      l2Route(s, lambda.Function.fromFunctionName(s, 'Imported', 'orders'));
    },
  },
  {
    name: 'Function.fromFunctionArn in a stack of the same account: the CDK adds the permission',
    stackProps: ENV,
    build: (s) => {
      fn(s, 'Orders', { functionName: 'orders' });
      l2Route(s, lambda.Function.fromFunctionArn(s, 'Imported', ORDERS_ARN));
    },
  },
  ...ALIAS_URIS.flatMap(([uriName, uri]) => ALIAS_FORMS.map(([formName, form]): TableCase => ({
    name: `URI ${uriName}, permission FunctionName ${formName}`,
    spec: 'C19',
    stackProps: ENV,
    build: (s) => {
      const { alias } = orders(s);
      const api = l1Http(s, uri(s, alias));
      permit(s, 'Perm', form(s, alias), api.ref);
    },
  }))),
  ...UNQUALIFIED_FORMS.map(([formName, form]): TableCase => ({
    name: `unqualified URI (GetAtt Arn), permission FunctionName ${formName}`,
    spec: 'C20',
    stackProps: ENV,
    build: (s) => {
      const { f } = orders(s);
      const api = l1Http(s, f.functionArn);
      permit(s, 'Perm', form(s, f), api.ref);
    },
  })),
  ...UNQUALIFIED_FORMS.map(([formName, form]): TableCase => ({
    name: `unqualified literal URI, permission FunctionName ${formName}`,
    spec: 'C20',
    stackProps: ENV,
    build: (s) => {
      const { f } = orders(s);
      const api = l1Http(s, ORDERS_ARN);
      permit(s, 'Perm', form(s, f), api.ref);
    },
  })),
];

const bad: BadCase[] = [
  {
    name: 'URI invokes the alias, permission is on the unqualified function',
    spec: 'C17',
    stackProps: ENV,
    build: (s) => {
      const { f, alias } = orders(s);
      const api = l1Http(s, alias.functionArn);
      permit(s, 'Perm', f.functionArn, api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ["qualifier 'live'", 'the unqualified function', 'route GET /items'] }],
  },
  ...UNQUALIFIED_FORMS.map(([formName, form]): BadCase => ({
    name: `URI invokes the literal alias ARN, permission FunctionName is the unqualified ${formName}`,
    spec: 'C17',
    stackProps: ENV,
    build: (s) => {
      const { f } = orders(s);
      const api = l1Http(s, `${ORDERS_ARN}:live`);
      permit(s, 'Perm', form(s, f), api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ["qualifier 'live'"] }],
  })),
  ...ALIAS_FORMS.map(([formName, form]): BadCase => ({
    name: `URI unqualified, permission only on the alias (${formName})`,
    spec: 'C18',
    stackProps: ENV,
    build: (s) => {
      const { f, alias } = orders(s);
      const api = l1Http(s, f.functionArn);
      permit(s, 'Perm', form(s, alias), api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ['invokes the unqualified function', "'live'"] }],
  })),
  {
    name: 'L2 HttpLambdaIntegration(fn) with IntegrationUri overridden to the alias ARN',
    spec: 'C45',
    build: (s) => {
      const { f, alias } = orders(s);
      const route = l2Route(s, f);
      (route.node.findChild('Items').node.defaultChild as apigwv2.CfnIntegration).addPropertyOverride('IntegrationUri', alias.functionArn);
    },
    expect: [{ rule: 'QualifierMismatch', path: L2_INTEG, includes: ["qualifier 'live'", 'the unqualified function'] }],
  },
  {
    name: 'L2 HttpLambdaIntegration(alias) with IntegrationUri overridden to the unqualified function',
    spec: 'C18',
    build: (s) => {
      const { f, alias } = orders(s);
      const route = l2Route(s, alias);
      (route.node.findChild('Items').node.defaultChild as apigwv2.CfnIntegration).addPropertyOverride('IntegrationUri', f.functionArn);
    },
    expect: [{ rule: 'QualifierMismatch', path: L2_INTEG, includes: ['the unqualified function', "'live'"] }],
  },
  {
    name: 'URI invokes alias live, permission on alias beta',
    stackProps: ENV,
    build: (s) => {
      const { f, alias } = orders(s);
      const beta = new lambda.Alias(s, 'Beta', { aliasName: 'beta', version: f.currentVersion });
      const api = l1Http(s, alias.functionArn);
      permit(s, 'Perm', beta.functionArn, api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ["qualifier 'live'", "'beta'"] }],
  },
  {
    name: 'URI invokes fn.currentVersion, permission on the function',
    build: (s) => {
      const f = fn(s, 'Fn');
      const api = l1Http(s, f.currentVersion.functionArn);
      permit(s, 'Perm', f.functionArn, api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ['FnCurrentVersion', 'the unqualified function', 'route GET /items'] }],
  },
  {
    name: 'URI invokes version V1, permission on version V2 of the same function',
    build: (s) => {
      const f = fn(s, 'Fn');
      const v1 = new lambda.Version(s, 'V1', { lambda: f });
      const v2 = new lambda.Version(s, 'V2', { lambda: f });
      const api = l1Http(s, v1.functionArn);
      permit(s, 'Perm', v2.functionArn, api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ['V1', 'V2', 'route GET /items'] }],
  },
  {
    name: 'L2 HttpLambdaIntegration(fn.latestVersion): $LATEST cannot carry a resource policy',
    spec: 'C57',
    build: (s) => {
      l2Route(s, fn(s, 'Fn').latestVersion);
    },
    expect: [{ rule: 'QualifierMismatch', path: L2_INTEG, includes: ['$LATEST'] }],
  },
  {
    name: 'literal URI …:function:orders:$LATEST with an unqualified permission',
    spec: 'C57',
    stackProps: ENV,
    build: (s) => {
      const { f } = orders(s);
      const api = l1Http(s, `${ORDERS_ARN}:$LATEST`);
      permit(s, 'Perm', f.functionArn, api.ref);
    },
    expect: [{ rule: 'QualifierMismatch', path: '/Stack/Integ', includes: ['$LATEST'] }],
  },
  {
    name: 'Function.fromFunctionArn in an environment-agnostic stack: the CDK silently skips the permission',
    spec: 'C53',
    build: (s) => {
      l2Route(s, lambda.Function.fromFunctionArn(s, 'Imported', 'arn:aws:lambda:us-east-1:444455556666:function:billing'));
    },
    expect: [{ rule: 'Unverifiable', path: L2_INTEG, includes: ['account 444455556666', 'UnclearLambdaEnvironment'] }],
  },
  {
    name: 'permission FunctionName names another function',
    stackProps: ENV,
    build: (s) => {
      orders(s);
      const api = l1Http(s, ORDERS_ARN);
      permit(s, 'Perm', 'payments', api.ref);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Integ', includes: ['Orders', 'route GET /items'] }],
  },
  {
    name: 'permission FunctionName is a partial ARN in another account',
    stackProps: ENV,
    build: (s) => {
      orders(s);
      const api = l1Http(s, ORDERS_ARN);
      permit(s, 'Perm', '999999999999:function:orders', api.ref);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Integ', includes: ['Orders'] }],
  },
  {
    name: 'permission FunctionName is a full ARN in another region',
    stackProps: ENV,
    build: (s) => {
      orders(s);
      const api = l1Http(s, ORDERS_ARN);
      permit(s, 'Perm', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`, api.ref);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Integ', includes: ['Orders'] }],
  },
];

describe('function references: every FunctionName form of the invoked reference passes', () => {
  test.each(good.map((c) => [c.name, c] as const))('%s', (_n, c) => expectClean(c));
});

describe('function references: qualifier and identity mismatches', () => {
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectFindings(c);
  });
});

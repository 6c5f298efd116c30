/**
 * Apps with several stacks (semantics.md §6.6, §7.6.3; C63): the function in one stack and the API
 * in another, nested stacks, cross-account apps analysed together, and logical ids (or physical
 * names) that repeat across stacks — identity always includes the stack (or its environment).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { analyze } from '../../lib/engine';
import { StackTemplate } from '../../lib/facts/template';
import { fn } from '../helpers';
import { restItemsResources } from '../rest-items-template';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const API_ACCOUNT = '222222222222';
const FN_ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const API_ENV: StackProps = { env: { account: API_ACCOUNT, region: REGION } };
const ORDERS_ARN = `arn:aws:lambda:${REGION}:${FN_ACCOUNT}:function:orders`;
/** The id of an HTTP API that exists already (created by another team / app). */
const SHARED_API_ID = 'abc123';

/** An HttpApi with `GET /items` → handler. */
function httpApi(scope: Construct, handler: lambda.IFunction, id = 'Api') {
  const api = new apigwv2.HttpApi(scope, id);
  const [route] = api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', handler) });
  return { api, route };
}

function removePermissions(scope: Construct) {
  for (const c of scope.node.children.filter((x) => x instanceof lambda.CfnPermission)) scope.node.tryRemoveChild(c.node.id);
}

/** C63: the API account adds a route to an existing API, integrating a function of another account. */
function apiAccountRoute(s: Stack) {
  const imported = lambda.Function.fromFunctionAttributes(s, 'Orders', { functionArn: ORDERS_ARN, skipPermissions: true });
  const api = apigwv2.HttpApi.fromHttpApiAttributes(s, 'Shared', { httpApiId: SHARED_API_ID });
  new apigwv2.HttpRoute(s, 'Route', {
    httpApi: api, routeKey: apigwv2.HttpRouteKey.with('/items', apigwv2.HttpMethod.GET), integration: new HttpLambdaIntegration('Items', imported),
  });
}

/** C63: the function account defines `orders` and lets the API account's API invoke it. */
function functionAccount(app: App, sourceArnAccount = API_ACCOUNT) {
  const a = new Stack(app, 'FnAccount', { env: { account: FN_ACCOUNT, region: REGION } });
  const f = fn(a, 'Orders', { functionName: 'orders' });
  f.addPermission('FromApiAccount', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: `arn:aws:execute-api:${REGION}:${sourceArnAccount}:${SHARED_API_ID}/*/*/items`,
  });
  return a;
}

/** The same stack class deployed twice: identical construct ids, hence identical logical ids. */
class ServiceStack extends Stack {
  readonly route: apigwv2.HttpRoute;
  constructor(scope: Construct, id: string, props: StackProps & { literalUri?: boolean } = {}) {
    super(scope, id, props);
    const f = fn(this, 'Fn', { functionName: 'orders' });
    const { route } = httpApi(this, f);
    this.route = route;
    if (props.literalUri) {
      // Point the integration at the function by its literal ARN (as hand-written templates do).
      (route.node.findChild('Items').node.defaultChild as apigwv2.CfnIntegration)
        .addPropertyOverride('IntegrationUri', `arn:aws:lambda:${this.region}:${this.account}:function:orders`);
    }
  }
}

const good: TableCase[] = [
  {
    name: 'function in stack A, HttpApi in stack B (the CDK puts the permission in B)',
    build: (s, app) => {
      const a = new Stack(app, 'Functions');
      httpApi(s, fn(a, 'Fn'));
    },
  },
  {
    name: 'function in stack A, RestApi in stack B',
    build: (s, app) => {
      const a = new Stack(app, 'Functions');
      const api = new apigw.RestApi(s, 'Rest');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(a, 'Fn')));
    },
  },
  {
    name: 'function in stack A, WebSocketApi in stack B',
    build: (s, app) => {
      const a = new Stack(app, 'Functions');
      const ws = new apigwv2.WebSocketApi(s, 'Ws', { connectRouteOptions: { integration: new WebSocketLambdaIntegration('Connect', fn(a, 'Fn')) } });
      new apigwv2.WebSocketStage(s, 'Prod', { webSocketApi: ws, stageName: 'prod' });
    },
  },
  {
    name: 'permission created in the function stack A for the API of stack B (integration names the function by literal ARN)',
    stackProps: { env: { account: FN_ACCOUNT, region: REGION } },
    build: (s, app) => {
      const a = new Stack(app, 'Functions', { env: { account: FN_ACCOUNT, region: REGION } });
      const f = fn(a, 'Orders', { functionName: 'orders' });
      const imported = lambda.Function.fromFunctionAttributes(s, 'Imported', { functionArn: ORDERS_ARN, skipPermissions: true });
      const { api } = httpApi(s, imported);
      f.addPermission('FromApi', {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: a.formatArn({ service: 'execute-api', resource: api.apiId, resourceName: '*/*/items' }),
      });
    },
  },
  {
    name: 'NestedStack holding the HttpApi, function in the parent',
    build: (s) => {
      const nested = new NestedStack(s, 'ApiNested');
      httpApi(nested, fn(s, 'Fn'));
    },
  },
  {
    name: 'NestedStack holding the function, HttpApi in the parent',
    build: (s) => {
      const nested = new NestedStack(s, 'FnNested');
      httpApi(s, fn(nested, 'Fn'));
    },
  },
  {
    name: 'NestedStack holding a RestApi, function in a sibling NestedStack',
    build: (s) => {
      const f = fn(new NestedStack(s, 'FnNested'), 'Fn');
      const api = new apigw.RestApi(new NestedStack(s, 'ApiNested'), 'Rest');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
    },
  },
  {
    name: 'the same stack deployed twice (repeated logical ids), both correct',
    build: (_s, app) => {
      new ServiceStack(app, 'Dev');
      new ServiceStack(app, 'Prod');
    },
  },
  {
    name: 'the same physical name in two accounts, integrations by literal ARN, both correct',
    build: (_s, app) => {
      new ServiceStack(app, 'Dev', { env: { account: FN_ACCOUNT, region: REGION }, literalUri: true });
      new ServiceStack(app, 'Prod', { env: { account: API_ACCOUNT, region: REGION }, literalUri: true });
    },
  },
];

const bad: BadCase[] = [
  {
    name: 'cross-account route analysed without the function account: cannot be verified',
    spec: 'C63',
    stackProps: API_ENV,
    build: (s) => {
      apiAccountRoute(s);
    },
    expect: [{ rule: 'Unverifiable', path: '/Stack/Route/Items/Resource', includes: [`account ${FN_ACCOUNT}`, 'route GET /items'] }],
  },
  {
    name: 'cross-account permission whose SourceArn uses the function account instead of the API account',
    spec: 'C63',
    stackProps: API_ENV,
    build: (s, app) => {
      functionAccount(app, FN_ACCOUNT);
      apiAccountRoute(s);
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Route/Items/Resource', includes: [`account ${FN_ACCOUNT} in the SourceArn is not the account the API presents (${API_ACCOUNT})`] }],
  },
  {
    name: 'the same stack deployed twice, the permission removed in Prod only',
    build: (_s, app) => {
      new ServiceStack(app, 'Dev');
      const prod = new ServiceStack(app, 'Prod');
      removePermissions(prod.route);
    },
    expect: [{ rule: 'MissingPermission', path: '/Prod/Api/GET--items/Items/Resource', includes: ['route GET /items'] }],
  },
  {
    name: 'the same physical name in two accounts, the permission removed in Prod only (literal ARNs)',
    build: (_s, app) => {
      new ServiceStack(app, 'Dev', { env: { account: FN_ACCOUNT, region: REGION }, literalUri: true });
      const prod = new ServiceStack(app, 'Prod', { env: { account: API_ACCOUNT, region: REGION }, literalUri: true });
      removePermissions(prod.route);
    },
    expect: [{ rule: 'MissingPermission', path: '/Prod/Api/GET--items/Items/Resource', includes: ['route GET /items'] }],
  },
  {
    name: "stack B's permission targets stack A's function with the same logical id, B's integration invokes B's",
    build: (s, app) => {
      const a = new Stack(app, 'Functions');
      const fa = fn(a, 'Fn');
      const fb = fn(s, 'Fn');
      const { api, route } = httpApi(s, fb);
      removePermissions(route);
      new lambda.CfnPermission(s, 'Perm', {
        action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com', functionName: fa.functionArn,
        sourceArn: s.formatArn({ service: 'execute-api', resource: api.apiId, resourceName: '*/*/items' }),
      });
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Api/GET--items/Items/Resource', includes: ['route GET /items'] }],
  },
  {
    name: "stack B's integration overridden to a function of stack C; the permission still targets stack A's",
    spec: 'C56',
    build: (s, app) => {
      const fa = fn(new Stack(app, 'A'), 'Fn');
      const fc = fn(new Stack(app, 'C'), 'Other');
      const { route } = httpApi(s, fa);
      (route.node.findChild('Items').node.defaultChild as apigwv2.CfnIntegration).addPropertyOverride('IntegrationUri', fc.functionArn);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/Api/GET--items/Items/Resource', includes: ['Other'] }],
  },
  {
    name: 'NestedStack API whose route permission was removed',
    build: (s) => {
      const nested = new NestedStack(s, 'ApiNested');
      const { route } = httpApi(nested, fn(s, 'Fn'));
      removePermissions(route);
    },
    expect: [{ rule: 'MissingPermission', path: '/Stack/ApiNested/Api/GET--items/Items/Resource', includes: ['route GET /items'] }],
  },
  {
    name: 'NestedStack function, parent API with a permission on the wrong route',
    build: (s) => {
      const f = fn(new NestedStack(s, 'FnNested'), 'Fn');
      const { api, route } = httpApi(s, f);
      removePermissions(route);
      new lambda.CfnPermission(s, 'Perm', {
        action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com', functionName: f.functionArn,
        sourceArn: s.formatArn({ service: 'execute-api', resource: api.apiId, resourceName: '*/*/orders' }),
      });
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Api/GET--items/Items/Resource', includes: ['path /items not covered'] }],
  },
];

describe('cross-stack apps: correct apps report nothing', () => {
  test.each(good.map((c) => [c.name, c] as const))('%s', (_n, c) => expectClean(c));
});

/** C63: both accounts analysed together; the permission names the shared API by its literal id. */
const crossAccount: BadCase = {
  name: 'cross-account: function and its permission in the function account, route in the API account, analysed together',
  spec: 'C63',
  stackProps: API_ENV,
  build: (s, app) => {
    functionAccount(app);
    apiAccountRoute(s);
  },
  expect: [],
};

describe('cross-account apps analysed together (C63)', () => {
  test('no coverage finding', () => {
    expectFindings(crossAccount);
  });
  // The grant names the shared API by its literal id; the app routes to it, so it is not stale either.
  test('nothing at all (no StalePermission for the imported API the app routes to)', () => {
    expectClean(crossAccount);
  });
});

describe('cross-stack apps: findings land on the right stack', () => {
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectFindings(c);
  });
});

/**
 * The same apps as cdk.out templates (what the CLI reads): cross-stack references are
 * Exports/`Fn::ImportValue`, nested stacks are separate templates linked by their parameters.
 */
function synthesizedTemplates(app: App): StackTemplate[] {
  const asm = app.synth();
  const out: StackTemplate[] = [];
  for (const st of asm.stacks) {
    out.push({ key: st.stackName, displayName: st.stackName, template: st.template });
    for (const [id, r] of Object.entries<any>(st.template.Resources ?? {})) {
      const file = r.Type === 'AWS::CloudFormation::Stack' ? r.Metadata?.['aws:asset:path'] : undefined;
      if (!file) continue;
      const template = JSON.parse(fs.readFileSync(path.join(asm.directory, file), 'utf8'));
      out.push({ key: `${st.stackName}/${id}`, displayName: id, template, parent: { stackKey: st.stackName, logicalId: id } });
    }
  }
  return out;
}

describe('cross-stack apps as synthesized templates (Fn::ImportValue, nested stack parameters)', () => {
  const cases: Array<[string, (app: App) => void, string[]]> = [
    ['function in A, HttpApi in B', (app) => {
      httpApi(new Stack(app, 'B'), fn(new Stack(app, 'A'), 'Fn'));
    }, []],
    ['function in A, HttpApi in B, permission removed', (app) => {
      removePermissions(httpApi(new Stack(app, 'B'), fn(new Stack(app, 'A'), 'Fn')).route);
    }, ['ApiGwLambda-MissingPermission B ApiGETitems']],
    ['NestedStack API, function in the parent', (app) => {
      const s = new Stack(app, 'P');
      httpApi(new NestedStack(s, 'ApiNested'), fn(s, 'Fn'));
    }, []],
    ['NestedStack function (Outputs), HttpApi in the parent', (app) => {
      const s = new Stack(app, 'P');
      httpApi(s, fn(new NestedStack(s, 'FnNested'), 'Fn'));
    }, []],
    ['NestedStack API, function in the parent, permission removed', (app) => {
      const s = new Stack(app, 'P');
      removePermissions(httpApi(new NestedStack(s, 'ApiNested'), fn(s, 'Fn')).route);
    }, ['ApiGwLambda-MissingPermission P/ApiNested ApiGETitems']],
  ];
  test.each(cases)('%s', (_name, build, expected) => {
    const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
    build(app);
    const stacks = synthesizedTemplates(app);
    const found = analyze(stacks).findings.map((f) => `${f.ruleId} ${f.stackKey} ${f.logicalId}`);
    expect(found.map((f) => f.replace(/(ApiGETitems)\w+$/, '$1').replace(/ (P\/ApiNested)\w+ /, ' $1 '))).toEqual(expected);
  });
});

describe('a grant in another stack is named with its stack (logical ids are unique per template only)', () => {
  const resources = restItemsResources({ integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Join': ['', [
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/', { 'Fn::ImportValue': 'FnArn' }, '/invocations']] } } });
  const perm = (api: any, path: string) => ({
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', ['arn:aws:execute-api:us-east-1:111111111111:', api, `/${path}`]] },
    },
  });
  const { Fn, ...api } = resources;
  const stacks: StackTemplate[] = [
    // The function and its one permission, for POST /items only (a logical id such as `Perm` repeats across templates).
    { key: 'Fns', displayName: 'Fns', template: { Resources: { Fn, Perm: perm({ 'Fn::ImportValue': 'ApiId' }, 'prod/POST/items') },
      Outputs: { FnArn: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Export: { Name: 'FnArn' } } } } },
    { key: 'Apis', displayName: 'Apis', template: { Resources: {
      ...api,
      Deployment: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['Get'], Properties: { RestApiId: { Ref: 'Api' } } },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'prod' } },
    }, Outputs: { ApiId: { Value: { Ref: 'Api' }, Export: { Name: 'ApiId' } } } } },
  ];

  test('the closest-grant explanation says which stack its Perm is in', () => {
    const found = analyze(stacks).findings.filter((f) => f.logicalId === 'Get');
    expect(found.map((f) => f.ruleId)).toEqual(['ApiGwLambda-SourceArnMismatch']);
    expect(found[0].message).toContain('closest grant: Perm (stack Fns)');
  });
});

/**
 * Functions in another region than the API (semantics.md §2.1 [K-L-APIGW], §7.6.13, C30): the
 * SourceArn Lambda evaluates carries the function's region, "not the region of the API", and the
 * API's account. The CDK writes the API stack's region there (`_isStackAccount` compares only the
 * account), so its own permission does not cover the call. Only a literal function region counts;
 * with the API's region unknown (an environment-agnostic stack) the SourceArn must still carry it, so
 * a `${AWS::Region}` may match and another literal region never does.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Finding } from '../../lib/engine';
import { CfnTemplate } from '../../lib/facts/template';
import { analyzeTemplates, fn, synthFindings } from '../helpers';
import { BadCase, TableCase, expectClean, expectFindings } from './rest-harness';

const ACCOUNT = '111111111111';
const API_REGION = 'us-east-1';
const FN_REGION = 'eu-west-1';
const API_ENV: StackProps = { env: { account: ACCOUNT, region: API_REGION } };
const FN_ENV: StackProps = { env: { account: ACCOUNT, region: FN_REGION } };
/** `orders` in the other region, same account. */
const ORDERS_ARN = `arn:aws:lambda:${FN_REGION}:${ACCOUNT}:function:orders`;
/** An API that exists already, imported by id (a stack in the function's region can only name it so). */
const SHARED_API_ID = 'abc123';
const WORDING = "the SourceArn region must be the function's region";

/** REST `GET /items` → handler (the CDK adds its permissions with the API stack's region). */
function restItems(scope: Construct, handler: lambda.IFunction) {
  const api = new apigw.RestApi(scope, 'Api');
  api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(handler));
  return api;
}

/** HTTP `GET /items` → handler. */
function httpItems(scope: Construct, handler: lambda.IFunction) {
  const api = new apigwv2.HttpApi(scope, 'Api');
  api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', handler) });
  return api;
}

/** `orders` imported by ARN without a CDK permission (it is granted in the function's region). */
function importedOrders(s: Stack) {
  return lambda.Function.fromFunctionAttributes(s, 'Orders', { functionArn: ORDERS_ARN, sameEnvironment: false, skipPermissions: true });
}

/** The function's region: `orders` and its permission for the shared API, SourceArn in `sourceArnRegion`. */
function functionRegionStack(app: App, resourceName: string, sourceArnRegion = FN_REGION) {
  const s = new Stack(app, 'FnStack', FN_ENV);
  fn(s, 'Orders', { functionName: 'orders' }).addPermission('FromApi', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: `arn:aws:execute-api:${sourceArnRegion}:${ACCOUNT}:${SHARED_API_ID}/${resourceName}`,
  });
}

/** A route `GET /items` on the shared HTTP API, integrating `orders` of the other region. */
function sharedHttpRoute(s: Stack) {
  const api = apigwv2.HttpApi.fromHttpApiAttributes(s, 'Shared', { httpApiId: SHARED_API_ID });
  new apigwv2.HttpRoute(s, 'Route', {
    httpApi: api, routeKey: apigwv2.HttpRouteKey.with('/items', apigwv2.HttpMethod.GET), integration: new HttpLambdaIntegration('Items', importedOrders(s)),
  });
}

const good: TableCase[] = [
  {
    name: 'HTTP route on an imported API, permission in the function\'s region with the function\'s region in its SourceArn',
    spec: 'C30',
    stackProps: API_ENV,
    build: (s, app) => {
      functionRegionStack(app, '*/*/items');
      sharedHttpRoute(s);
    },
  },
  {
    name: 'same region, explicit environment: the CDK permission (API stack region) is right',
    stackProps: API_ENV,
    build: (s) => {
      restItems(s, lambda.Function.fromFunctionArn(s, 'Fn', `arn:aws:lambda:${API_REGION}:${ACCOUNT}:function:orders`));
    },
  },
  {
    name: 'same region, function defined in the app',
    stackProps: API_ENV,
    build: (s) => {
      httpItems(s, fn(s, 'Fn'));
    },
  },
  {
    name: 'function of another region in a stack with only an account: its region is unknown, nothing new is reported',
    stackProps: { env: { account: ACCOUNT } },
    build: (s) => {
      restItems(s, lambda.Function.fromFunctionArn(s, 'Fn', ORDERS_ARN));
    },
  },
];

const bad: BadCase[] = [
  {
    name: 'REST LambdaIntegration of Function.fromFunctionArn in another region: the CDK permission has the API\'s region',
    spec: 'C30',
    stackProps: API_ENV,
    build: (s) => {
      restItems(s, lambda.Function.fromFunctionArn(s, 'Fn', ORDERS_ARN));
    },
    expect: [{
      rule: 'SourceArnMismatch', path: '/Stack/Api/Default/items/GET/Resource',
      includes: [`region ${API_REGION} in the SourceArn is not the function's region ${FN_REGION}`, WORDING,
        `e.g. arn:aws:execute-api:${FN_REGION}:${ACCOUNT}:`],
    }],
  },
  {
    name: 'HTTP HttpLambdaIntegration of Function.fromFunctionArn in another region',
    spec: 'C30',
    stackProps: API_ENV,
    build: (s) => {
      httpItems(s, lambda.Function.fromFunctionArn(s, 'Fn', ORDERS_ARN));
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Api/GET--items/Items/Resource', includes: [WORDING, 'route GET /items'] }],
  },
  {
    name: 'REST TokenAuthorizer whose handler is in another region',
    spec: 'C30, C48',
    stackProps: API_ENV,
    build: (s) => {
      const auth = new apigw.TokenAuthorizer(s, 'Auth', { handler: lambda.Function.fromFunctionArn(s, 'AuthFn', ORDERS_ARN) });
      const api = new apigw.RestApi(s, 'Api');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'Fn')), { authorizer: auth });
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Auth/Resource', includes: [WORDING, 'authorizer calls'] }],
  },
  {
    name: 'imported API, permission in the function\'s region but with the API\'s region in its SourceArn',
    spec: 'C30',
    stackProps: API_ENV,
    build: (s, app) => {
      functionRegionStack(app, '*/*/items', API_REGION);
      sharedHttpRoute(s);
    },
    expect: [{ rule: 'SourceArnMismatch', path: '/Stack/Route/Items/Resource', includes: [`region ${API_REGION} in the SourceArn`, WORDING] }],
  },
  {
    name: 'same region: a SourceArn with another region keeps the usual message',
    stackProps: API_ENV,
    build: (s) => {
      const f = fn(s, 'Fn');
      const api = new apigwv2.HttpApi(s, 'Api');
      const [route] = api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Items', f) });
      for (const c of route.node.children.filter((x) => x instanceof lambda.CfnPermission)) route.node.tryRemoveChild(c.node.id);
      f.addPermission('Other', {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: `arn:aws:execute-api:${FN_REGION}:${ACCOUNT}:${api.apiId}/*/*/items`,
      });
    },
    expect: [{
      rule: 'SourceArnMismatch', path: '/Stack/Api/GET--items/Items/Resource',
      includes: [`region ${FN_REGION} in the SourceArn is not the region the API presents (${API_REGION})`], excludes: [WORDING],
    }],
  },
  {
    name: 'environment-agnostic stack: unchanged (the CDK adds no permission for an imported ARN)',
    build: (s) => {
      restItems(s, lambda.Function.fromFunctionArn(s, 'Fn', ORDERS_ARN));
    },
    expect: [{ rule: 'Unverifiable', path: '/Stack/Api/Default/items/GET/Resource', includes: ['environment-agnostic stack'], excludes: [WORDING] }],
  },
];

describe('cross-region functions: correct apps report nothing', () => {
  test.each(good.map((c) => [c.name, c] as const))('%s', (_n, c) => expectClean(c));
});

describe('cross-region functions: the SourceArn must carry the function\'s region (C30)', () => {
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectFindings(c);
  });
});

describe('caller passthrough with a function in another region', () => {
  // execute-api:Invoke names the API in its own region, whatever region the SourceArns carry.
  test('a caller role with execute-api:Invoke but no lambda:InvokeFunction is still found (an error naming it)', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', API_ENV);
    const api = new apigw.RestApi(s, 'Api');
    const method = api.root.addResource('items').addMethod('GET',
      new apigw.LambdaIntegration(lambda.Function.fromFunctionArn(s, 'Fn', ORDERS_ARN), { credentialsPassthrough: true }),
      { authorizationType: apigw.AuthorizationType.IAM });
    method.grantExecute(new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    const found = synthFindings(app).filter((f) => f.ruleId === 'ApiGwLambda-CallerCredentials');
    expect(found.map((f) => [f.level, f.path])).toEqual([['error', '/Stack/Api/Default/items/GET/Resource']]);
    expect(found[0].message).toMatch(/role Caller\w* may call it/);
  });
});

/**
 * The same as plain CloudFormation templates with a known region (what the CLI reads from a cdk.out
 * manifest's environment): an HTTP route `GET /items` on the API of template `Api`, integrating
 * `orders` by its literal ARN.
 */
function apiTemplate(fnArn: string, sourceArn?: any): CfnTemplate {
  const resources: Record<string, any> = {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
    Integration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn, PayloadFormatVersion: '2.0' },
    },
    Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'GET /items', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] } } },
    Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } },
  };
  if (sourceArn) {
    resources.Perm = {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: fnArn, Principal: 'apigateway.amazonaws.com', SourceArn: sourceArn },
    };
  }
  return { Resources: resources };
}

const sub = (region: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:execute-api:${region}:\${AWS::AccountId}:\${Api}/*/GET/items` });

interface TemplateRow {
  readonly name: string;
  readonly template: CfnTemplate;
  /** The stack's deploy region; undefined: environment-agnostic. */
  readonly region?: string;
  readonly rule?: string;
  readonly includes?: string[];
  readonly excludes?: string[];
}

const TEMPLATE_ROWS: TemplateRow[] = [
  { name: 'function in another region, SourceArn with the API stack\'s ${AWS::Region}', template: apiTemplate(ORDERS_ARN, sub('${AWS::Region}')),
    region: API_REGION, rule: 'ApiGwLambda-SourceArnMismatch', includes: [WORDING, `arn:aws:execute-api:${FN_REGION}:${ACCOUNT}:`] },
  { name: 'function in another region, no permission: the suggested SourceArn has the function\'s region', template: apiTemplate(ORDERS_ARN),
    region: API_REGION, rule: 'ApiGwLambda-MissingPermission', includes: [`SourceArn arn:aws:execute-api:${FN_REGION}:${ACCOUNT}:`] },
  { name: 'environment-agnostic template, SourceArn with ${AWS::Region}: it may be the function\'s region, nothing is reported', template: apiTemplate(ORDERS_ARN, sub('${AWS::Region}')) },
  { name: 'environment-agnostic template, SourceArn with a literal region other than the function\'s: it never matches, wherever the API is',
    template: apiTemplate(ORDERS_ARN, sub(API_REGION)), rule: 'ApiGwLambda-SourceArnMismatch',
    includes: [`is not the function's region ${FN_REGION}: whichever region the API is deployed to`] },
  { name: 'same region, SourceArn with ${AWS::Region}', template: apiTemplate(`arn:aws:lambda:${API_REGION}:${ACCOUNT}:function:orders`, sub('${AWS::Region}')),
    region: API_REGION },
];

function coverageOn(findings: Finding[], logicalId: string): Finding[] {
  return findings.filter((f) => f.logicalId === logicalId && f.ruleId !== 'ApiGwLambda-OverBroadPermission' && f.ruleId !== 'ApiGwLambda-StalePermission');
}

describe('cross-region functions in plain templates (the CLI\'s view)', () => {
  test.each(TEMPLATE_ROWS.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const found = coverageOn(analyzeTemplates([{ key: 'Api', template: row.template, account: row.region && ACCOUNT, region: row.region }]), 'Integration');
    expect(found.map((f) => f.ruleId)).toEqual(row.rule ? [row.rule] : []);
    for (const words of row.includes ?? []) expect(found[0].message).toContain(words);
    for (const words of row.excludes ?? []) expect(found[0].message).not.toContain(words);
  });

  // Two regions analysed together: the permission lives in the function's region and names the API by its literal id.
  test.each<[string, string[]]>([
    [FN_REGION, []],
    [API_REGION, ['ApiGwLambda-SourceArnMismatch']],
  ])('function and permission in the function\'s region, route in the API\'s: SourceArn region %s → %j', (sourceArnRegion, expected) => {
    const fnTemplate: CfnTemplate = {
      Resources: {
        Orders: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders', Code: { ZipFile: 'x' }, Handler: 'index.h', Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/r` } },
        Perm: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'Orders' }, Principal: 'apigateway.amazonaws.com',
            SourceArn: `arn:aws:execute-api:${sourceArnRegion}:${ACCOUNT}:${SHARED_API_ID}/*/GET/items`,
          },
        },
      },
    };
    const routeTemplate: CfnTemplate = {
      Resources: {
        Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: SHARED_API_ID, IntegrationType: 'AWS_PROXY', IntegrationUri: ORDERS_ARN } },
        Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: SHARED_API_ID, RouteKey: 'GET /items', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] } } },
      },
    };
    const found = analyzeTemplates([
      { key: 'Fn', template: fnTemplate, account: ACCOUNT, region: FN_REGION },
      { key: 'Routes', template: routeTemplate, account: ACCOUNT, region: API_REGION },
    ]);
    expect(coverageOn(found, 'Integration').map((f) => f.ruleId)).toEqual(expected);
  });
});

/**
 * The lean rendering of resource entries (lib/facts/resource-entry.ts) must equal what the CDK's own
 * `_toCloudFormation` renders, for every construct it is used on; an aws-cdk-lib upgrade that changes
 * how resources render fails here first.
 */
import {
  App, CfnCondition, CfnResource, DefaultTokenResolver, Fn, RemovalPolicy, Stack, StringConcat, Tags, Tokenization,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildBenchApp } from '../../bench/app';
import { ResourceEntryRender } from '../../lib/facts/resource-entry';
import { loadConstructTree } from '../../lib/facts/tree-loader';

function resourcesOf(app: App): CfnResource[] {
  return app.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

/** Lean and full rendering of one element side by side, and whether the full one was needed. */
function bothWays(el: CfnResource) {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (v: unknown) => Tokenization.resolve(v, { scope: el.stack, resolver, preparing: false });
  let fullRenders = 0;
  const renderFull = () => {
    fullRenders++;
    return Object.values<any>(resolve((el as any)._toCloudFormation())?.Resources ?? {})[0] ?? {};
  };
  const rethrow = (e: unknown) => {
    throw e;
  };
  const lean = new ResourceEntryRender(el, resolve, renderFull, rethrow);
  const got = {
    Properties: lean.properties(), Condition: lean.condition(), Metadata: lean.metadata(),
    DeletionPolicy: lean.policy('DeletionPolicy'), UpdateReplacePolicy: lean.policy('UpdateReplacePolicy'),
    UpdatePolicy: lean.policy('UpdatePolicy'), CreationPolicy: lean.policy('CreationPolicy'),
  };
  const leanRenders = fullRenders;
  const full = new ResourceEntryRender(el, resolve, renderFull, rethrow).entry();
  const want = {
    Properties: full.Properties, Condition: full.Condition, Metadata: full.Metadata, DeletionPolicy: full.DeletionPolicy,
    UpdateReplacePolicy: full.UpdateReplacePolicy, UpdatePolicy: full.UpdatePolicy, CreationPolicy: full.CreationPolicy,
  };
  return { got, want, usedFull: leanRenders > 0 };
}

function variedApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Varied');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    environment: { STAGE: 'prod' },
  });
  new lambda.Function(stack, 'NoEnv', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'),
  });
  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
  const rest = new apigw.RestApi(stack, 'Rest', { deployOptions: { variables: { fn: 'x' } } });
  rest.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(alias));
  rest.root.addMethod('ANY', new apigw.LambdaIntegration(fn, { proxy: false, integrationResponses: [{ statusCode: '200' }] }), {
    methodResponses: [{ statusCode: '200' }],
  });
  const http = new apigwv2.HttpApi(stack, 'Http');
  http.addRoutes({ path: '/things/{id}', methods: [apigwv2.HttpMethod.GET], integration: new integrations.HttpLambdaIntegration('I', fn) });
  const ws = new apigwv2.WebSocketApi(stack, 'Ws', {
    connectRouteOptions: { integration: new integrations.WebSocketLambdaIntegration('C', fn) },
  });
  new apigwv2.WebSocketStage(stack, 'WsStage', { webSocketApi: ws, stageName: 'dev', autoDeploy: true });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
  fn.grantInvoke(role);
  new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
  // Condition, metadata, explicit dependencies, generic L1 with and without properties, tags.
  const cond = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals('prod', 'prod') });
  const topic = new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic', properties: { TopicName: `${stack.stackName}-t` } });
  topic.cfnOptions.condition = cond;
  topic.cfnOptions.metadata = { note: 'hand-written', empty: {} };
  topic.node.addDependency(role);
  new CfnResource(stack, 'Bare', { type: 'AWS::SNS::Topic' });
  new CfnResource(stack, 'EmptyProps', { type: 'AWS::SNS::Topic', properties: {} });
  Tags.of(stack).add('team', 'payments');
  return app;
}

describe('ResourceEntryRender', () => {
  test.each([
    ['the benchmark app (REST, HTTP, authorizers, aliases, nested stacks, cross-stack references)', () => {
      const app = new App();
      buildBenchApp(app, { routes: 60 });
      return app;
    }],
    ['L2 and L1 constructs with tags, conditions, metadata, dependencies and empty properties', variedApp],
  ])('renders every resource as the CDK does: %s', (_, make) => {
    const els = resourcesOf(make());
    let lean = 0;
    for (const el of els) {
      const { got, want, usedFull } = bothWays(el);
      expect({ path: el.node.path, ...got }).toEqual({ path: el.node.path, ...want });
      if (!usedFull) lean++;
    }
    // Most resources take the lean way; those with removal policies do not.
    expect(lean).toBeGreaterThan(els.length / 2);
  });

  test('takes the CDK\'s way for overrides and removal policies, and the override is seen', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const overridden = new CfnResource(stack, 'Perm', {
      type: 'AWS::Lambda::Permission',
      properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f', Principal: 'apigateway.amazonaws.com' },
    });
    overridden.addPropertyOverride('SourceArn', 'arn:aws:execute-api:us-east-1:111111111111:abc/*');
    const retained = new CfnResource(stack, 'Retained', { type: 'AWS::SNS::Topic', properties: { TopicName: 't' } });
    retained.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const el of [overridden, retained]) {
      const { got, want, usedFull } = bothWays(el);
      expect(usedFull).toBe(true);
      expect(got).toEqual(want);
    }
    const [template] = loadConstructTree(stack).stacks;
    const perm = Object.values<any>(template.template.Resources!).find((r) => r.Type === 'AWS::Lambda::Permission');
    expect(perm.Properties.SourceArn).toBe('arn:aws:execute-api:us-east-1:111111111111:abc/*');
  });

  test('an element that fails to render is left out and reported with the CDK\'s own error', () => {
    const stack = new Stack(new App(), 'S');
    const bad = new lambda.CfnPermission(stack, 'Bad', { action: 'lambda:InvokeFunction', functionName: 'f', principal: 'x' });
    (bad as any).principal = 42; // a type the generated validator rejects
    const tree = loadConstructTree(stack);
    const entry = Object.values<any>(tree.stacks[0].template.Resources!)[0];
    expect(entry.Properties).toBeUndefined();
    expect(tree.unrenderable.map((u) => u.error)).toEqual(['Supplied properties not correct for "CfnPermissionProps"']);
  });
});

import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildBenchApp } from '../../bench/app';
import { CROSS_STACK_REF } from '../../lib/facts/template';
import { crossStackReferences, elementKey, loadConstructTree, logicalIdOf, stackKeyOf, updateConstructTree } from '../../lib/facts/tree-loader';

describe('logicalIdOf', () => {
  test('matches what the logicalId token resolves to: allocated, overridden, nested', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const plain = new CfnResource(stack, 'Plain', { type: 'AWS::SNS::Topic' });
    const renamed = new CfnResource(stack, 'Renamed', { type: 'AWS::SNS::Topic' });
    renamed.overrideLogicalId('MyOwnName');
    const nested = new NestedStack(stack, 'Nested');
    const inner = new CfnResource(nested, 'Inner', { type: 'AWS::SNS::Topic' });
    const expected = [plain, renamed, inner].map((el) => el.stack.resolve(el.logicalId));
    // Without resolving the token: the CDK's producer behind it is called directly.
    const resolves = [jest.spyOn(stack, 'resolve'), jest.spyOn(nested, 'resolve')];
    try {
      expect([plain, renamed, inner].map(logicalIdOf)).toEqual(expected);
      for (const r of resolves) expect(r).not.toHaveBeenCalled();
    } finally {
      resolves.forEach((r) => r.mockRestore());
    }
    expect(logicalIdOf(renamed)).toBe('MyOwnName');
  });
});

describe('loadConstructTree', () => {
  function restApi(): { stack: Stack; deployment: apigw.CfnDeployment } {
    const stack = new Stack(new App(), 'Stack');
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());
    return { stack, deployment: api.latestDeployment!.node.defaultChild as apigw.CfnDeployment };
  }

  test("keys a REST API's latest Deployment without hashing the API, and its Stage refers to that key", () => {
    const { stack, deployment } = restApi();
    const proto = Object.getPrototypeOf(deployment);
    const hash = jest.spyOn(proto, 'calculateLogicalId');
    try {
      const tree = loadConstructTree(stack);
      const [template] = tree.stacks;
      const [stageId] = Object.keys(template.template.Resources!).filter((id) => template.template.Resources![id].Type === 'AWS::ApiGateway::Stage');
      const key = (deployment as any).originalLogicalId as string;
      expect(tree.elements.get(elementKey(stackKeyOf(stack), key))).toBe(deployment);
      expect(template.template.Resources![stageId].Properties?.DeploymentId).toEqual({ Ref: key });
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
    // Synthesis still names it by the hash.
    expect(logicalIdOf(deployment)).toMatch(new RegExp(`^${(deployment as any).originalLogicalId}[0-9a-f]{32}$`));
  });

  test('a Deployment id the user set is used as is', () => {
    const { stack, deployment } = restApi();
    deployment.overrideLogicalId('MyDeployment');
    const tree = loadConstructTree(stack);
    expect(tree.elements.get(elementKey(stackKeyOf(stack), 'MyDeployment'))).toBe(deployment);
  });
});

describe('updateConstructTree', () => {
  function app(): { stack: Stack; method: apigw.CfnMethod; tree: ReturnType<typeof loadConstructTree> } {
    const stack = new Stack(new App(), 'Stack');
    const api = new apigw.RestApi(stack, 'Api');
    const method = api.root.addResource('items').addMethod('GET', new apigw.MockIntegration()).node.defaultChild as apigw.CfnMethod;
    const tree = loadConstructTree(stack);
    for (const r of Object.values(resources(tree))) void r.Properties;
    return { stack, method, tree };
  }
  function resources(tree: ReturnType<typeof loadConstructTree>): Record<string, any> {
    return tree.stacks[0].template.Resources ?? {};
  }

  test('renders the elements added since, keeps every other rendering', () => {
    const { stack, method, tree } = app();
    const before = resources(tree)[stack.getLogicalId(method)];
    const topic = new CfnResource(stack, 'Added', { type: 'AWS::SNS::Topic', properties: { TopicName: 'added' } });
    const render = jest.spyOn(CfnResource.prototype as any, '_toCloudFormation');
    const renderProperties = jest.spyOn(apigw.CfnMethod.prototype as any, 'renderProperties');
    try {
      updateConstructTree(tree, [topic], []);
      expect(resources(tree)[stack.getLogicalId(method)]).toBe(before);
      expect(resources(tree).Added.Properties).toEqual({ TopicName: 'added' });
      expect(tree.elements.get(elementKey(stackKeyOf(stack), 'Added'))).toBe(topic);
      expect(renderProperties).not.toHaveBeenCalled();
      expect(render.mock.instances.filter((el) => el !== topic)).toEqual([]);
    } finally {
      render.mockRestore();
      renderProperties.mockRestore();
    }
  });

  test('renders a modified element again, with its override', () => {
    const { stack, method, tree } = app();
    const id = stack.getLogicalId(method);
    expect(resources(tree)[id].Properties.Integration.IntegrationHttpMethod).toBeUndefined();
    method.addPropertyOverride('Integration.IntegrationHttpMethod', 'POST');
    updateConstructTree(tree, [], [method]);
    expect(resources(tree)[id].Properties.Integration.IntegrationHttpMethod).toBe('POST');
    expect(tree.elements.get(elementKey(stackKeyOf(stack), id))).toBe(method);
  });

  test('an element already in the snapshot is kept; one outside its stacks is rejected by path', () => {
    const { stack, method, tree } = app();
    const before = resources(tree)[stack.getLogicalId(method)];
    updateConstructTree(tree, [method], []);
    expect(resources(tree)[stack.getLogicalId(method)]).toBe(before);
    const stranger = new CfnResource(new Stack(new App(), 'Other'), 'Topic', { type: 'AWS::SNS::Topic' });
    expect(() => updateConstructTree(tree, [stranger], [])).toThrow(/Other\/Topic is not in a stack of the snapshot/);
  });

  test('a snapshot it did not make is rejected', () => {
    expect(() => updateConstructTree({ stacks: [], elements: new Map(), stackObjects: new Map(), unrenderable: [] }, [], []))
      .toThrow(/not made by loadConstructTree/);
  });
});

describe('the rendering', () => {
  /** `Fn::Join` with an empty delimiter, flattened and with adjacent strings merged: ours and the CDK's join differently. */
  function normalized(x: any): any {
    if (Array.isArray(x)) return x.map(normalized);
    if (!x || typeof x !== 'object') return x;
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === 'Fn::Join' && x['Fn::Join'][0] === '') {
      const parts: any[] = [];
      const add = (p: any) => {
        const n = normalized(p);
        if (n && typeof n === 'object' && Object.keys(n).length === 1 && n['Fn::Join']?.[0] === '') n['Fn::Join'][1].forEach(add);
        else if (typeof n === 'string' && typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += n;
        else if (n !== '') parts.push(n);
      };
      x['Fn::Join'][1].forEach(add);
      return parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : { 'Fn::Join': ['', parts] };
    }
    return Object.fromEntries(keys.map((k) => [k, normalized(x[k])]));
  }

  /** Cross-stack references are markers in the rendering and imports or nested-stack parameters once written. */
  function hasMarker(x: any): boolean {
    return !!x && typeof x === 'object' && (CROSS_STACK_REF in x || Object.values(x).some(hasMarker));
  }

  function variedStack(app: App): Stack {
    const stack = new Stack(app, 'Varied');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), environment: { STAGE: 'prod' },
    });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    const rest = new apigw.RestApi(stack, 'Rest');
    rest.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(alias));
    rest.root.addMethod('ANY', new apigw.LambdaIntegration(fn, { proxy: false }));
    const http = new apigwv2.HttpApi(stack, 'Http');
    http.addRoutes({ path: '/things/{id}', methods: [apigwv2.HttpMethod.GET], integration: new integrations.HttpLambdaIntegration('I', fn) });
    fn.grantInvoke(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') }));
    new CfnResource(stack, 'Refs', { type: 'Custom::Refs', properties: { Name: fn.functionName, Arn: fn.functionArn, Both: `${fn.functionName}/${alias.aliasName}` } });
    return stack;
  }

  test('is what synthesis writes, resource by resource (references, aliases, versions, joins, nested stacks)', () => {
    const app = new App();
    variedStack(app);
    buildBenchApp(app, { routes: 40 });
    const tree = loadConstructTree(app);
    let compared = 0;
    for (const st of tree.stacks) {
      const written = Template.fromStack(tree.stackObjects.get(st.key)!).toJSON().Resources;
      for (const [id, r] of Object.entries<any>(st.template.Resources!)) {
        // Keyed by the id the hash is appended to (RenderKeys), and referenced so by its stages.
        if (r.Type === 'AWS::ApiGateway::Deployment') continue;
        const mine = normalized(r.Properties);
        if (hasMarker(mine)) continue;
        const theirs = normalized(written[id]?.Properties);
        if (r.Type === 'AWS::ApiGateway::Stage') {
          delete mine.DeploymentId;
          delete theirs.DeploymentId;
        }
        expect({ stack: st.key, id, properties: mine }).toEqual({ stack: st.key, id, properties: theirs });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe('crossStackReferences', () => {
  test('names the stacks each stack references, rendering what was not read', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer');
    const topic = new CfnResource(producer, 'Topic', { type: 'AWS::SNS::Topic' });
    const consumer = new Stack(app, 'Consumer');
    new CfnResource(consumer, 'Sub', { type: 'AWS::SNS::Subscription', properties: { TopicArn: topic.ref, Protocol: 'email' } });
    const alone = new Stack(app, 'Alone');
    new CfnResource(alone, 'Queue', { type: 'AWS::SQS::Queue' });
    const refs = crossStackReferences(loadConstructTree(app));
    expect([...refs.get(consumer)!]).toEqual([producer]);
    expect([...refs.get(producer)!]).toEqual([]);
    expect([...refs.get(alone)!]).toEqual([]);
  });
});

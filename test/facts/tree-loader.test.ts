import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { elementKey, loadConstructTree, logicalIdOf, stackKeyOf } from '../../lib/facts/tree-loader';

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

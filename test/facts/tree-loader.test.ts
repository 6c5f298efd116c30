import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { logicalIdOf } from '../../lib/facts/tree-loader';

describe('logicalIdOf', () => {
  test('matches what the logicalId token resolves to: allocated, overridden, nested', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const plain = new CfnResource(stack, 'Plain', { type: 'AWS::SNS::Topic' });
    const renamed = new CfnResource(stack, 'Renamed', { type: 'AWS::SNS::Topic' });
    renamed.overrideLogicalId('MyOwnName');
    const nested = new NestedStack(stack, 'Nested');
    const inner = new CfnResource(nested, 'Inner', { type: 'AWS::SNS::Topic' });
    for (const el of [plain, renamed, inner]) expect(logicalIdOf(el)).toBe(el.stack.resolve(el.logicalId));
    expect(logicalIdOf(renamed)).toBe('MyOwnName');
  });
});

import { App, Aws, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { synthFindings } from '../helpers';

/**
 * In an environment-agnostic stack, an import by a token ARN cannot get a permission from the CDK
 * (`_isStackAccount()` is false for tokens, semantics.md §7.5): without a word from the user that is a
 * missing permission (C53); with `skipPermissions: true` the user says it lives elsewhere (C54).
 */
describe('functions imported by a token ARN in an env-agnostic stack', () => {
  const ARN = `arn:aws:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:shared-fn`;
  test.each<[string, boolean, string, string]>([
    ['no skipPermissions: the CDK silently added nothing → MissingPermission (C53)', false, 'error', 'ApiGwLambda-MissingPermission'],
    ['skipPermissions: true → Unverifiable naming the flag (C54)', true, 'warning', 'ApiGwLambda-Unverifiable'],
  ])('%s', (_name, skip, level, ruleId) => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const imported = lambda.Function.fromFunctionAttributes(stack, 'Shared', { functionArn: ARN, skipPermissions: skip });
    new apigw.RestApi(stack, 'Api').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(imported));
    const found = synthFindings(app);
    expect(found.map((f) => [f.level, f.ruleId, f.path])).toEqual([[level, ruleId, '/Stack/Api/Default/items/GET/Resource']]);
    if (skip) expect(found[0].message).toMatch(/skipPermissions: true/);
  });
});

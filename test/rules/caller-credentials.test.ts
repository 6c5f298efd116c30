/**
 * ApiGwLambda-CallerCredentials: caller passthrough (`credentialsPassthrough: true`, Credentials
 * `arn:aws:iam::*:user/*`), semantics.md §0 mode C, C36-C37, aws-cdk#9617. Real CDK apps; each
 * case lists every ApiGwLambda finding it expects.
 *
 * C37 decision under test: no finding only when at least one role or user of the app can call the
 * method (execute-api:Invoke) and every such caller also has lambda:InvokeFunction; no visible
 * caller → warning (callers outside the app must be checked by hand).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CORPUS, analyzeTemplates, fn, readTemplate, synthFindings } from '../helpers';

const RULE = 'ApiGwLambda-CallerCredentials';
const ITEMS = '/Stack/Api/Default/items/GET/Resource';

interface Expected {
  readonly path: string;
  readonly level: 'error' | 'warning';
  readonly includes?: readonly string[];
}

interface Case {
  readonly name: string;
  readonly build: (stack: Stack) => void;
  readonly expect: readonly Expected[];
}

/** `GET /items` with caller passthrough; returns the method and the function. */
function passthrough(stack: Stack, authorizationType = apigw.AuthorizationType.IAM): { method: apigw.Method; f: lambda.Function; api: apigw.RestApi } {
  const f = fn(stack, 'Fn');
  const api = new apigw.RestApi(stack, 'Api');
  const method = api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f, { credentialsPassthrough: true }), { authorizationType });
  return { method, f, api };
}

function callerRole(stack: Stack, id = 'ClientRole'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
}

/** An L1 HTTP API route `GET /items` (AWS_IAM) with CredentialsArn `arn:aws:iam::*:user/*`. */
function httpPassthrough(stack: Stack, f: lambda.IFunction): apigwv2.CfnApi {
  const api = new apigwv2.CfnApi(stack, 'HttpApi', { name: 'http', protocolType: 'HTTP' });
  const integ = new apigwv2.CfnIntegration(stack, 'Integ', {
    apiId: api.ref, integrationType: 'AWS_PROXY', integrationUri: f.functionArn, payloadFormatVersion: '2.0',
    credentialsArn: `arn:${stack.partition}:iam::*:user/*`,
  });
  new apigwv2.CfnRoute(stack, 'Route', { apiId: api.ref, routeKey: 'GET /items', authorizationType: 'AWS_IAM', target: `integrations/${integ.ref}` });
  new apigwv2.CfnStage(stack, 'Stage', { apiId: api.ref, stageName: '$default', autoDeploy: true });
  return api;
}

const GOOD: Case[] = [
  {
    name: 'C37: AWS_IAM method; the app-defined caller role has execute-api:Invoke and fn.grantInvoke',
    build: (stack) => {
      const { method, f } = passthrough(stack);
      const role = callerRole(stack);
      method.grantExecute(role);
      f.grantInvoke(role);
    },
    expect: [],
  },
  {
    name: 'C37: caller is an IAM user with both grants',
    build: (stack) => {
      const { method, f } = passthrough(stack);
      const user = new iam.User(stack, 'Client');
      method.grantExecute(user);
      f.grantInvoke(user);
    },
    expect: [],
  },
  {
    name: 'C37: caller gets both grants through a group',
    build: (stack) => {
      const { method, f } = passthrough(stack);
      const group = new iam.Group(stack, 'Clients');
      method.grantExecute(group);
      f.grantInvoke(group);
      new iam.User(stack, 'Client', { groups: [group] });
    },
    expect: [],
  },
  {
    name: 'HTTP API L1 with caller passthrough: caller role with execute-api:Invoke on the API and the invoke grant',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const api = httpPassthrough(stack, f);
      const role = callerRole(stack);
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['execute-api:Invoke'], resources: [`arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:${api.ref}/*`],
      }));
      f.grantInvoke(role);
    },
    expect: [],
  },
];

const BAD: Case[] = [
  {
    name: 'C36: credentialsPassthrough on a method without AWS_IAM authorization',
    build: (stack) => {
      const { method, f } = passthrough(stack, apigw.AuthorizationType.NONE);
      const role = callerRole(stack);
      method.grantExecute(role);
      f.grantInvoke(role);
    },
    expect: [{ path: ITEMS, level: 'error', includes: ['authorization type is NONE, not AWS_IAM', 'Set authorizationType AWS_IAM'] }],
  },
  {
    name: 'C37: AWS_IAM method; the app-defined caller role has execute-api:Invoke but no lambda:InvokeFunction',
    build: (stack) => {
      const { method } = passthrough(stack);
      method.grantExecute(callerRole(stack));
    },
    expect: [{ path: ITEMS, level: 'error', includes: ['role ClientRole', 'not allowed lambda:InvokeFunction', 'aws-cdk#9617', 'fn.grantInvoke(role)'] }],
  },
  {
    name: 'C37: caller user without lambda:InvokeFunction',
    build: (stack) => {
      const { method } = passthrough(stack);
      method.grantExecute(new iam.User(stack, 'Client'));
    },
    expect: [{ path: ITEMS, level: 'error', includes: ['user Client', 'fn.grantInvoke(user)'] }],
  },
  {
    name: 'C37: one of two caller roles lacks the grant → one error naming it',
    build: (stack) => {
      const { method, f } = passthrough(stack);
      const good = callerRole(stack, 'GoodClient');
      method.grantExecute(good);
      f.grantInvoke(good);
      method.grantExecute(callerRole(stack, 'BadClient'));
    },
    expect: [{ path: ITEMS, level: 'error', includes: ['role BadClient'] }],
  },
  {
    name: 'caller role with execute-api:* on * (any API) and no invoke grant',
    build: (stack) => {
      passthrough(stack);
      callerRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['execute-api:*'], resources: ['*'] }));
    },
    expect: [{ path: ITEMS, level: 'error', includes: ['role ClientRole'] }],
  },
  {
    name: 'C37: AWS_IAM method and no caller defined in the app → warning to check callers by hand',
    build: (stack) => {
      passthrough(stack);
    },
    expect: [{ path: ITEMS, level: 'warning', includes: ['callers are outside the app', 'Check the callers\' IAM policies by hand'] }],
  },
  {
    name: 'a role that may call another method only is not a caller of this one → warning',
    build: (stack) => {
      const { api, f } = passthrough(stack);
      const other = api.root.addResource('other').addMethod('GET', new apigw.MockIntegration());
      const role = callerRole(stack);
      other.grantExecute(role);
      f.grantInvoke(role);
    },
    expect: [{ path: ITEMS, level: 'warning', includes: ['callers are outside the app'] }],
  },
  {
    name: 'L1 REST authorizer with caller-passthrough AuthorizerCredentials → error (authorizers take a role ARN only)',
    build: (stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      api.root.addMethod('GET', new apigw.MockIntegration());
      const a = fn(stack, 'AuthFn');
      new apigw.CfnAuthorizer(stack, 'Authz', {
        restApiId: api.restApiId, name: 'authz', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
        authorizerCredentials: 'arn:aws:iam::*:user/*',
        authorizerUri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${a.functionArn}/invocations`,
      });
    },
    expect: [{ path: '/Stack/Authz', level: 'error', includes: ['authorizer cannot use'] }],
  },
  {
    name: 'caller role granted the function but with an explicit Deny (even beside an unreadable policy): the error names the Deny',
    build: (stack) => {
      const { method, f } = passthrough(stack);
      const role = callerRole(stack);
      role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Team', 'team-policy'));
      method.grantExecute(role);
      f.grantInvoke(role);
      role.addToPolicy(new iam.PolicyStatement({ sid: 'NoLambda', effect: iam.Effect.DENY, actions: ['lambda:*'], resources: ['*'] }));
    },
    expect: [{ path: ITEMS, level: 'error', includes: ["explicit Deny in AWS::IAM::Policy ClientRoleDefaultPolicy", "Sid 'NoLambda'", 'Remove or narrow'] }],
  },
  {
    name: 'HTTP API L1 with caller passthrough: caller role without the invoke grant',
    build: (stack) => {
      const api = httpPassthrough(stack, fn(stack, 'Fn'));
      callerRole(stack).addToPolicy(new iam.PolicyStatement({
        actions: ['execute-api:Invoke'], resources: [`arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:${api.ref}/*`],
      }));
    },
    expect: [{ path: '/Stack/Integ', level: 'error', includes: ['role ClientRole'] }],
  },
];

function run(c: Case) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  c.build(stack);
  return synthFindings(app);
}

describe(RULE, () => {
  test.each(GOOD.map((c) => [c.name, c] as const))('good: %s', (_name, c) => {
    expect(run(c).map((f) => `${f.ruleId} ${f.path}: ${f.message}`)).toEqual([]);
  });

  test.each(BAD.map((c) => [c.name, c] as const))('bad: %s', (_name, c) => {
    const found = run(c);
    expect(found.map((f) => `${f.ruleId} ${f.path} ${f.level}`).sort()).toEqual(c.expect.map((e) => `${RULE} ${e.path} ${e.level}`).sort());
    for (const e of c.expect) {
      const f = found.find((x) => x.path === e.path)!;
      for (const s of e.includes ?? []) expect(f.message).toContain(s);
    }
  });

  test('fix plan: grant-role for an app-defined caller role, none for a user', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const { method } = passthrough(stack);
    method.grantExecute(callerRole(stack));
    method.grantExecute(new iam.User(stack, 'Client'));
    const template = app.synth().getStackByName('Stack').template;
    const findings = analyzeTemplates([{ key: 'Stack', template }]).filter((f) => f.ruleId === RULE);
    expect(findings).toHaveLength(2);
    expect(findings.every((f) => f.propertyPath === 'Integration.Credentials')).toBe(true);
    const forRole = findings.find((f) => f.message.includes('role ClientRole'))!;
    const forUser = findings.find((f) => f.message.includes('user Client'))!;
    expect(forRole.fix?.kind).toBe('grant-role');
    expect(forRole.fix?.role?.logicalId).toMatch(/^ClientRole/);
    expect(forUser.fix).toBeUndefined();
  });

  test('no fix plan for a caller role whose explicit Deny matches: an added Allow could not help', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const { method } = passthrough(stack);
    const role = callerRole(stack);
    method.grantExecute(role);
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    const template = app.synth().getStackByName('Stack').template;
    const findings = analyzeTemplates([{ key: 'Stack', template }]).filter((f) => f.ruleId === RULE);
    expect(findings.map((f) => [f.severity, f.fix])).toEqual([['error', undefined]]);
    expect(findings[0].message).toContain('explicit Deny');
  });

  test('real template: SAM AWS_IAM methods with CALLER_CREDENTIALS and no caller in the template → one warning per operation', () => {
    const template = readTemplate(path.join(CORPUS, 'serverless-application-model/rest-method-iam-auth-credentials.template.json'));
    const found = analyzeTemplates([{ key: 'T', template }]).filter((f) => f.ruleId === RULE);
    expect(found.map((f) => [f.severity, f.propertyPath!.split('.x-amazon-apigateway-integration')[0]]).sort()).toEqual([
      ['warning', 'Body.paths./.get'],
      ['warning', 'Body.paths./.put'],
      ['warning', 'Body.paths./any/one.x-amazon-apigateway-any-method'],
      ['warning', 'Body.paths./any/three.x-amazon-apigateway-any-method'],
    ]);
  });
});

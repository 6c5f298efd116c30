/**
 * ApiGwLambda-CredentialsRoleCannotInvoke (and the Unverifiable findings for roles outside the app):
 * integrations and authorizers that call Lambda as a credentials role (semantics.md §0 mode B,
 * C32-C35, C50). Every case is a real CDK app run through the Aspect; each case lists every
 * ApiGwLambda finding it expects (none for the good ones), so a rule that is missing or too eager
 * fails the table.
 */
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CORPUS, analyzeTemplates, fn, readTemplate, synthFindings } from '../helpers';

const RULE = 'ApiGwLambda-CredentialsRoleCannotInvoke';

interface Expected {
  readonly rule: string;
  readonly path: string;
  readonly level?: 'error' | 'warning';
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
}

interface Case {
  readonly name: string;
  readonly stackProps?: StackProps;
  readonly build: (stack: Stack) => void;
  readonly expect: readonly Expected[];
}

function apiGwRole(stack: Stack, id = 'InvokeRole'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
}

/** `GET /items` on a RestApi integrated with `target` through `role`. */
function restWithRole(stack: Stack, target: lambda.IFunction, role: iam.IRole): apigw.RestApi {
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(target, { credentialsRole: role }));
  return api;
}

/** An L1 HTTP API route `GET /items` → AWS_PROXY integration with CredentialsArn (no CDK binding at all). */
function httpL1(stack: Stack, f: lambda.IFunction, role: iam.IRole): void {
  const api = new apigwv2.CfnApi(stack, 'HttpApi', { name: 'http', protocolType: 'HTTP' });
  const integ = new apigwv2.CfnIntegration(stack, 'Integ', {
    apiId: api.ref, integrationType: 'AWS_PROXY', integrationUri: f.functionArn, payloadFormatVersion: '2.0', credentialsArn: role.roleArn,
  });
  new apigwv2.CfnRoute(stack, 'Route', { apiId: api.ref, routeKey: 'GET /items', target: `integrations/${integ.ref}` });
  new apigwv2.CfnStage(stack, 'Stage', { apiId: api.ref, stageName: '$default', autoDeploy: true });
}

/** An L1 WebSocket API `$connect` → AWS_PROXY integration (lambda:path URI) with CredentialsArn. */
function webSocketL1(stack: Stack, f: lambda.IFunction, role: iam.IRole): void {
  const api = new apigwv2.CfnApi(stack, 'WsApi', { name: 'ws', protocolType: 'WEBSOCKET', routeSelectionExpression: '$request.body.action' });
  const integ = new apigwv2.CfnIntegration(stack, 'WsInteg', {
    apiId: api.ref, integrationType: 'AWS_PROXY', credentialsArn: role.roleArn,
    integrationUri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${f.functionArn}/invocations`,
  });
  new apigwv2.CfnRoute(stack, 'Connect', { apiId: api.ref, routeKey: '$connect', target: `integrations/${integ.ref}` });
  new apigwv2.CfnStage(stack, 'WsStage', { apiId: api.ref, stageName: 'prod' });
}

const GOOD: Case[] = [
  {
    name: 'C32: LambdaIntegration({ credentialsRole }) + fn.grantInvoke(role) (and the useless CDK grant is not stale)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      restWithRole(stack, f, role);
    },
    expect: [],
  },
  {
    name: 'alias-qualified integration with alias.grantInvoke(role)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const role = apiGwRole(stack);
      alias.grantInvoke(role);
      restWithRole(stack, alias, role);
    },
    expect: [],
  },
  {
    name: 'alias-qualified integration with fn.grantInvoke(role) (arn:* covers the alias)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      restWithRole(stack, alias, role);
    },
    expect: [],
  },
  {
    name: 'REST TokenAuthorizer with its own assumeRole: CDK attaches authorizerInvokePolicy',
    build: (stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      const auth = new apigw.TokenAuthorizer(stack, 'Auth', { handler: fn(stack, 'AuthFn'), assumeRole: apiGwRole(stack, 'AuthRole') });
      api.root.addMethod('GET', new apigw.MockIntegration(), { authorizer: auth });
    },
    expect: [],
  },
  {
    name: 'REST RequestAuthorizer with its own assumeRole',
    build: (stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      const auth = new apigw.RequestAuthorizer(stack, 'Auth', {
        handler: fn(stack, 'AuthFn'), assumeRole: apiGwRole(stack, 'AuthRole'), identitySources: [apigw.IdentitySource.header('Authorization')],
      });
      api.root.addMethod('GET', new apigw.MockIntegration(), { authorizer: auth });
    },
    expect: [],
  },
  {
    name: 'HTTP API L1 CfnIntegration with CredentialsArn of a granted role',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      httpL1(stack, f, role);
    },
    expect: [],
  },
  {
    name: 'WebSocket L1 CfnIntegration with CredentialsArn of a granted role',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      webSocketL1(stack, f, role);
    },
    expect: [],
  },
  {
    name: 'credentials as a literal role ARN whose RoleName is a role of the app',
    stackProps: { env: { account: '123456789012', region: 'us-east-1' } },
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = new iam.Role(stack, 'InvokeRole', { roleName: 'api-invoker', assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
      f.grantInvoke(role);
      restWithRole(stack, f, iam.Role.fromRoleArn(stack, 'ByArn', 'arn:aws:iam::123456789012:role/api-invoker', { mutable: false }));
    },
    expect: [],
  },
  {
    name: 'grant through an app-defined managed policy (ManagedPolicyArns)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const policy = new iam.ManagedPolicy(stack, 'InvokePolicy', {
        statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [f.functionArn] })],
      });
      const role = new iam.Role(stack, 'InvokeRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'), managedPolicies: [policy] });
      restWithRole(stack, f, role);
    },
    expect: [],
  },
  {
    name: 'grant through the AWS managed policy service-role/AWSLambdaRole (lambda:InvokeFunction on *)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = new iam.Role(stack, 'InvokeRole', {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaRole')],
      });
      restWithRole(stack, f, role);
    },
    expect: [],
  },
];

const ITEMS = '/Stack/Api/Default/items/GET/Resource';

const BAD: Case[] = [
  {
    name: 'C35: LambdaIntegration({ credentialsRole }) without fn.grantInvoke(role)',
    build: (stack) => restWithRole(stack, fn(stack, 'Fn'), apiGwRole(stack)),
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ['not allowed lambda:InvokeFunction', 'CDK\'s LambdaIntegration adds it', 'fn.grantInvoke(role)'] }],
  },
  {
    name: 'C35 beside a plain method on the same function: the message names the statement made for this method',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      // The plain method comes first, so its statement is the first one on the function.
      const api = new apigw.RestApi(stack, 'Api');
      api.root.addResource('other').addMethod('POST', new apigw.LambdaIntegration(f));
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f, { credentialsRole: apiGwRole(stack) }));
    },
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ['The resource-policy statement ApiitemsGETApiPermission'] }],
  },
  {
    name: 'C33: role whose trust policy is for another service (and that has the grant)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = new iam.Role(stack, 'InvokeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      f.grantInvoke(role);
      restWithRole(stack, f, role);
    },
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ['trust policy', 'it trusts lambda.amazonaws.com', 'does not have permission to assume'] }],
  },
  {
    name: 'C34: alias-qualified integration, role granted the unqualified ARN only',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const role = apiGwRole(stack);
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [f.functionArn] }));
      restWithRole(stack, alias, role);
    },
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ["':live'", 'granted the unqualified ARN only'] }],
  },
  {
    name: 'C34 reversed: unqualified integration, role granted the alias ARN only',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const role = apiGwRole(stack);
      alias.grantInvoke(role);
      restWithRole(stack, f, role);
    },
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ['unqualified function ARN', "granted ':live' only"] }],
  },
  {
    name: 'explicit Deny beside the grant: the message names the Deny statement, not the qualifier',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      role.addToPolicy(new iam.PolicyStatement({ sid: 'NoInvoke', effect: iam.Effect.DENY, actions: ['lambda:Invoke*'], resources: ['*'] }));
      restWithRole(stack, f, role);
    },
    expect: [{
      rule: RULE, path: ITEMS, level: 'error',
      includes: ['explicit Deny in AWS::IAM::Policy InvokeRoleDefaultPolicy', "(Statement[1], Sid 'NoInvoke')", 'Remove or narrow that Deny statement'],
      excludes: ['arn:*', 'grantInvoke'],
    }],
  },
  {
    name: 'a Deny with a condition beside the grant: whether it applies is not decided here → Unverifiable',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = apiGwRole(stack);
      f.grantInvoke(role);
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'OnlyEu', effect: iam.Effect.DENY, actions: ['lambda:*'], resources: ['*'],
        conditions: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      }));
      restWithRole(stack, f, role);
    },
    expect: [{ rule: 'ApiGwLambda-Unverifiable', path: ITEMS, level: 'warning', includes: ["a Deny with a condition in AWS::IAM::Policy InvokeRoleDefaultPolicy", "Sid 'OnlyEu'"] }],
  },
  {
    name: 'a Deny in the permissions boundary is an explicit Deny',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [
        new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoLambda', effect: iam.Effect.DENY, actions: ['lambda:InvokeFunction'], resources: ['*'] }),
      ] });
      const role = new iam.Role(stack, 'InvokeRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'), permissionsBoundary: boundary });
      f.grantInvoke(role);
      restWithRole(stack, f, role);
    },
    expect: [{ rule: RULE, path: ITEMS, level: 'error', includes: ['explicit Deny in', "Sid 'NoLambda'", 'Remove or narrow that Deny statement'] }],
  },
  {
    name: 'explicit Deny on an alias-qualified call whose role is granted the unqualified ARN only: the Deny is the cause',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const role = apiGwRole(stack);
      role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [f.functionArn] }));
      role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['lambda:*'], resources: [`${f.functionArn}:*`] }));
      restWithRole(stack, alias, role);
    },
    expect: [{
      rule: RULE, path: ITEMS, level: 'error',
      includes: ["explicit Deny in AWS::IAM::Policy InvokeRoleDefaultPolicy", '(Statement[1])', "on the ARN qualified with ':live'", 'Remove or narrow'],
      excludes: ['granted the unqualified ARN only', 'arn and arn:*', 'alias.grantInvoke'],
    }],
  },
  {
    name: 'C50: REST TokenAuthorizer with an imported assumeRole (Role.fromRoleArn) → Unverifiable',
    build: (stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      const auth = new apigw.TokenAuthorizer(stack, 'Auth', {
        handler: fn(stack, 'AuthFn'), assumeRole: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/authorizer-invoker'),
      });
      api.root.addMethod('GET', new apigw.MockIntegration(), { authorizer: auth });
    },
    expect: [{ rule: 'ApiGwLambda-Unverifiable', path: '/Stack/Auth/Resource', level: 'warning', includes: ['arn:aws:iam::123456789012:role/authorizer-invoker', 'not defined in this app', 'grant nothing to an imported assumeRole'] }],
  },
  {
    name: 'C50: REST RequestAuthorizer with an imported assumeRole → Unverifiable',
    build: (stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      const auth = new apigw.RequestAuthorizer(stack, 'Auth', {
        handler: fn(stack, 'AuthFn'), identitySources: [apigw.IdentitySource.header('Authorization')],
        assumeRole: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/authorizer-invoker'),
      });
      api.root.addMethod('GET', new apigw.MockIntegration(), { authorizer: auth });
    },
    expect: [{ rule: 'ApiGwLambda-Unverifiable', path: '/Stack/Auth/Resource', level: 'warning', includes: ['authorizer-invoker'] }],
  },
  {
    name: 'imported credentials role with a grant the app attaches by name: still Unverifiable (trust unknown)',
    build: (stack) => {
      const f = fn(stack, 'Fn');
      const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/team-invoker');
      f.grantInvoke(role);
      restWithRole(stack, f, role);
    },
    expect: [{ rule: 'ApiGwLambda-Unverifiable', path: ITEMS, level: 'warning', includes: ['team-invoker', 'which allows lambda:InvokeFunction', 'trust policy is still unknown'] }],
  },
  {
    name: 'role with a customer managed policy from outside the app and no visible grant → Unverifiable',
    build: (stack) => {
      const role = new iam.Role(stack, 'InvokeRole', {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromManagedPolicyName(stack, 'Team', 'team-invoke-policy')],
      });
      restWithRole(stack, fn(stack, 'Fn'), role);
    },
    expect: [{ rule: 'ApiGwLambda-Unverifiable', path: ITEMS, level: 'warning', includes: ['team-invoke-policy', 'cannot be read here'] }],
  },
  {
    name: 'HTTP API L1 CfnIntegration with CredentialsArn of a role without the grant',
    build: (stack) => httpL1(stack, fn(stack, 'Fn'), apiGwRole(stack)),
    expect: [{ rule: RULE, path: '/Stack/Integ', level: 'error', includes: ['HTTP integration for route GET /items', 'not allowed lambda:InvokeFunction'] }],
  },
  {
    name: 'WebSocket L1 CfnIntegration with CredentialsArn of a role without the grant',
    build: (stack) => webSocketL1(stack, fn(stack, 'Fn'), apiGwRole(stack)),
    expect: [{ rule: RULE, path: '/Stack/WsInteg', level: 'error', includes: ['$connect', 'not allowed lambda:InvokeFunction'] }],
  },
];

function run(c: Case) {
  const app = new App();
  const stack = new Stack(app, 'Stack', c.stackProps);
  c.build(stack);
  return synthFindings(app);
}

describe(RULE, () => {
  test.each(GOOD.map((c) => [c.name, c] as const))('good: %s', (_name, c) => {
    expect(run(c).map((f) => `${f.ruleId} ${f.path}: ${f.message}`)).toEqual([]);
  });

  test.each(BAD.map((c) => [c.name, c] as const))('bad: %s', (_name, c) => {
    const found = run(c);
    expect(found.map((f) => `${f.ruleId} ${f.path}`).sort()).toEqual(c.expect.map((e) => `${e.rule} ${e.path}`).sort());
    for (const e of c.expect) {
      const f = found.find((x) => x.ruleId === e.rule && x.path === e.path)!;
      if (e.level) expect(f.level).toBe(e.level);
      for (const s of e.includes ?? []) expect(f.message).toContain(s);
      for (const s of e.excludes ?? []) expect(f.message).not.toContain(s);
    }
  });

  test('fix plan names the role to grant', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    restWithRole(stack, fn(stack, 'Fn'), apiGwRole(stack));
    const template = app.synth().getStackByName('Stack').template;
    const findings = analyzeTemplates([{ key: 'Stack', template }]).filter((f) => f.ruleId === RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].propertyPath).toBe('Integration.Credentials');
    expect(findings[0].fix?.kind).toBe('grant-role');
    expect(findings[0].fix?.role?.logicalId).toMatch(/^InvokeRole/);
  });

  test('no fix plan when an explicit Deny matches: an added Allow could not help (fix mode would call it fixed)', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const role = apiGwRole(stack);
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    restWithRole(stack, fn(stack, 'Fn'), role);
    const template = app.synth().getStackByName('Stack').template;
    const findings = analyzeTemplates([{ key: 'Stack', template }]).filter((f) => f.ruleId === RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('explicit Deny');
    expect(findings[0].fix).toBeUndefined();
  });
});

describe(`${RULE} on real templates`, () => {
  const file = (rel: string) => readTemplate(path.join(CORPUS, rel));
  const mine = (key: string, rel: string) => analyzeTemplates([{ key, template: file(rel) }])
    .filter((f) => f.ruleId === RULE || (f.ruleId === 'ApiGwLambda-Unverifiable' && / as role /.test(f.message)));

  test('aws-cdk integ TokenAuthorizer with an IAM role (authorizerInvokePolicy): no finding', () => {
    expect(mine('T', 'aws-cdk/rest-token-authorizer-iam-role.template.json')).toEqual([]);
  });

  test('SAM WebSocket REQUEST authorizer with an invoke role allowed * on *: no finding', () => {
    expect(mine('T', 'serverless-application-model/websocket-lambda-auth-invoke-role.template.json')).toEqual([]);
  });

  test('SAM HttpApi authorizer whose FunctionInvokeRole is the function\'s execution role: trust and grant both wrong', () => {
    const found = mine('T', 'serverless-application-model/http-api-lambda-auth-full.template.json');
    expect(found.map((f) => [f.ruleId, f.logicalId, f.propertyPath])).toEqual([
      [RULE, 'MyApi', 'Body.components.securitySchemes.LambdaAuth.x-amazon-apigateway-authorizer.authorizerCredentials'],
      [RULE, 'MyApi', 'Body.components.securitySchemes.LambdaAuth.x-amazon-apigateway-authorizer.authorizerCredentials'],
    ]);
    expect(found.some((f) => f.message.includes('it trusts lambda.amazonaws.com'))).toBe(true);
    expect(found.some((f) => f.message.includes('not allowed lambda:InvokeFunction'))).toBe(true);
  });

  test('SAM OpenAPI integrations with a literal role ARN outside the template: Unverifiable naming the role', () => {
    const found = mine('T', 'serverless-application-model/rest-method-iam-auth-credentials.template.json');
    expect(found.map((f) => f.ruleId)).toEqual(['ApiGwLambda-Unverifiable', 'ApiGwLambda-Unverifiable']);
    for (const f of found) expect(f.message).toContain('role/AUTH_AWS_IAM');
  });

  test('negative controls (credentials to Step Functions / SQS): no finding', () => {
    expect(mine('T', 'aws-cdk/negative-rest-stepfunctions-credentials.template.json')).toEqual([]);
    expect(mine('T', 'aws-cdk/negative-http-sqs-credentials.template.json')).toEqual([]);
  });
});

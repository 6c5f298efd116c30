/**
 * The grant-level rules, table-driven on REAL CDK apps: OverBroadPermission (a grant that lets more than
 * this API in), StalePermission (a grant for an API/reference that is not routed) and
 * ConflictingPolicyResources (ResourcePolicy + Permission on one reference, semantics.md §6.9, C58).
 * Each row lists exactly the findings of the three rules (other rules are other tables' business,
 * except where a row says so).
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { L1RestApi, ReportedFinding, fn, l1RestApi, synthFindings } from '../helpers';

const APIGW = 'apigateway.amazonaws.com';
const RULES = ['OverBroadPermission', 'StalePermission', 'ConflictingPolicyResources'];

interface Ctx {
  readonly stack: Stack;
  readonly fn: lambda.Function;
  readonly api: L1RestApi;
}

interface Row {
  readonly name: string;
  readonly stackProps?: StackProps;
  readonly build: (c: Ctx) => void;
  /** `Rule @ constructPath`, with message parts. */
  readonly expect: ReadonlyArray<{ rule: string; path: string; includes?: string[] }>;
}

function run(row: Row): ReportedFinding[] {
  const app = new App();
  const stack = new Stack(app, 'Stack', row.stackProps);
  const f = fn(stack, 'Fn');
  const api = l1RestApi(stack, f.functionArn);
  row.build({ stack, fn: f, api });
  return synthFindings(app);
}

function check(row: Row): ReportedFinding[] {
  const all = run(row);
  const found = all.filter((f) => RULES.includes(f.ruleId.replace('ApiGwLambda-', '')));
  const actual = found.map((f) => `${f.ruleId.replace('ApiGwLambda-', '')} @ ${f.path}`).sort();
  const wanted = row.expect.map((e) => `${e.rule} @ ${e.path}`).sort();
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    expect(found.map((f) => `${f.ruleId.replace('ApiGwLambda-', '')} @ ${f.path}: ${f.message}`)).toEqual(wanted);
  }
  for (const e of row.expect) {
    const f = found.find((x) => x.ruleId === `ApiGwLambda-${e.rule}` && x.path === e.path)!;
    for (const part of e.includes ?? []) expect(f.message).toContain(part);
  }
  return all;
}

function permission(c: Ctx, id: string, props: Partial<lambda.CfnPermissionProps> = {}): lambda.CfnPermission {
  return new lambda.CfnPermission(c.stack, id, {
    action: 'lambda:InvokeFunction',
    functionName: c.fn.functionArn,
    principal: APIGW,
    sourceArn: c.api.arn('*/GET/items'),
    ...props,
  });
}

function resourcePolicy(c: Ctx, id: string, statements: object[], resourceArn: string = c.fn.functionArn): lambda.CfnResourcePolicy {
  return new lambda.CfnResourcePolicy(c.stack, id, { resourceArn, policyDocument: { Version: '2012-10-17', Statement: statements } });
}

function allow(c: Ctx, extra: object = {}): object {
  return {
    Effect: 'Allow',
    Principal: { Service: APIGW },
    Action: 'lambda:InvokeFunction',
    Resource: c.fn.functionArn,
    Condition: { ArnLike: { 'aws:SourceArn': c.api.arn('*/GET/items') } },
    ...extra,
  };
}

const OVER_BROAD: Row[] = [
  // Bad.
  {
    name: 'no SourceArn (C64)',
    build: (c) => permission(c, 'P', { sourceArn: undefined }),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/P', includes: ['no SourceArn', 'any API in any account'] }],
  },
  {
    name: 'no SourceArn but a SourceAccount: still any API of that account',
    stackProps: { env: { account: '111111111111', region: 'eu-west-1' } },
    build: (c) => permission(c, 'P', { sourceArn: undefined, sourceAccount: '111111111111' }),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/P', includes: ['any API in account 111111111111'] }],
  },
  {
    name: 'principal * with a matching SourceArn (C26)',
    build: (c) => permission(c, 'P', { principal: '*' }),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/P', includes: ['its principal is *'] }],
  },
  {
    name: 'wildcard API id (C15 variant)',
    build: (c) => permission(c, 'P', { sourceArn: `arn:${c.stack.partition}:execute-api:${c.stack.region}:${c.stack.account}:*/*/GET/items` }),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/P', includes: ['wildcard API id'] }],
  },
  {
    name: 'ResourcePolicy Allow to Principal * without condition',
    build: (c) => resourcePolicy(c, 'Policy', [allow(c, { Principal: '*', Condition: undefined })]),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/Policy', includes: ['its principal is *', 'no SourceArn'] }],
  },
  // Good.
  { name: 'scoped SourceArn', build: (c) => permission(c, 'P'), expect: [] },
  { name: 'scoped SourceArn api/* (C15)', build: (c) => permission(c, 'P', { sourceArn: c.api.arn('*') }), expect: [] },
  {
    name: 'account principal is not a grant to API Gateway',
    build: (c) => {
      permission(c, 'P');
      permission(c, 'Account', { principal: '123456789012', sourceArn: undefined });
    },
    expect: [],
  },
  {
    name: 'another service without SourceArn is not a grant to API Gateway',
    build: (c) => {
      permission(c, 'P');
      permission(c, 'Events', { principal: 'events.amazonaws.com', sourceArn: undefined });
    },
    expect: [],
  },
  {
    name: 'a public function URL (Principal *, function-URL conditions) is not a grant to API Gateway',
    build: (c) => {
      permission(c, 'P');
      c.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    },
    expect: [],
  },
  {
    name: 'an org grant (Principal * + PrincipalOrgID) is not over-broad',
    build: (c) => {
      permission(c, 'P');
      permission(c, 'Org', { principal: '*', principalOrgId: 'o-abcdef1234', sourceArn: undefined });
    },
    expect: [],
  },
  {
    name: 'a Deny to * is not over-broad',
    build: (c) => resourcePolicy(c, 'Policy', [
      allow(c),
      { Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: c.fn.functionArn,
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:eu-west-1:111111111111:other/*' } } },
    ]),
    expect: [],
  },
];

const STALE: Row[] = [
  // Bad.
  {
    name: 'grant names this API for a function it does not route to',
    build: (c) => {
      permission(c, 'P');
      const other = fn(c.stack, 'Other');
      permission(c, 'Leftover', { functionName: other.functionArn });
    },
    expect: [{ rule: 'StalePermission', path: '/Stack/Leftover', includes: ['lets API Api invoke Other', 'no integration or authorizer of Api'] }],
  },
  {
    name: 'grant on an alias the API does not invoke (integration moved to the unqualified function)',
    build: (c) => {
      permission(c, 'P');
      const alias = new lambda.Alias(c.stack, 'Live', { aliasName: 'live', version: c.fn.currentVersion });
      permission(c, 'OnAlias', { functionName: alias.functionArn });
    },
    expect: [{ rule: 'StalePermission', path: '/Stack/OnAlias', includes: [':live'] }],
  },
  {
    name: 'grant names another API of the app that routes elsewhere',
    build: (c) => {
      permission(c, 'P');
      const other = fn(c.stack, 'Other');
      const api2 = l1RestApi(c.stack, other.functionArn, { id: 'Two' });
      permission(c, 'OtherToTwo', { functionName: other.functionArn, sourceArn: api2.arn('*/GET/items') });
      permission(c, 'FnToTwo', { sourceArn: api2.arn('*/GET/items') });
    },
    expect: [{ rule: 'StalePermission', path: '/Stack/FnToTwo', includes: ['lets API TwoApi invoke Fn'] }],
  },
  {
    name: 'literal API id that is not in the app',
    build: (c) => {
      permission(c, 'P');
      permission(c, 'Literal', { sourceArn: 'arn:aws:execute-api:eu-west-1:111111111111:abc123defg/*/GET/items' });
    },
    expect: [{ rule: 'StalePermission', path: '/Stack/Literal', includes: ['API abc123defg', 'no API with that id is defined in this app'] }],
  },
  // Good.
  { name: 'grant for the API that routes to the function', build: (c) => permission(c, 'P'), expect: [] },
  {
    name: 'wildcard API id is not judged stale (it is over-broad)',
    build: (c) => permission(c, 'P', { sourceArn: `arn:${c.stack.partition}:execute-api:${c.stack.region}:${c.stack.account}:*/*/GET/items` }),
    expect: [{ rule: 'OverBroadPermission', path: '/Stack/P' }],
  },
  {
    name: 'an API imported by its literal id that routes to the function (C63)',
    stackProps: { env: { account: '111111111111', region: 'eu-west-1' } },
    build: (c) => {
      permission(c, 'P');
      const imported = apigw.RestApi.fromRestApiAttributes(c.stack, 'Imported', { restApiId: 'abc123defg', rootResourceId: 'root12' });
      imported.root.addResource('orders').addMethod('GET', new apigw.LambdaIntegration(c.fn));
    },
    expect: [],
  },
  {
    name: 'an API whose OpenAPI body is in S3 is not judged',
    build: (c) => {
      permission(c, 'P');
      const s3Api = new apigw.CfnRestApi(c.stack, 'S3Api', { bodyS3Location: { bucket: 'b', key: 'openapi.yaml' } });
      permission(c, 'ForS3Api', { sourceArn: `arn:${c.stack.partition}:execute-api:${c.stack.region}:${c.stack.account}:${s3Api.ref}/*` });
    },
    expect: [],
  },
];

const CONFLICTING: Row[] = [
  // Bad.
  {
    name: 'ResourcePolicy and Permission on the same function (C58)',
    build: (c) => {
      resourcePolicy(c, 'Policy', [allow(c)]);
      permission(c, 'P');
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy', includes: ['ResourcePolicy Policy', 'Permission P', 'overwrites'] }],
  },
  {
    name: 'same function named differently: ResourcePolicy by name (Ref), Permission by ARN',
    build: (c) => {
      resourcePolicy(c, 'Policy', [allow(c)], c.fn.functionName);
      permission(c, 'P');
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy' }],
  },
  {
    name: 'an empty ResourcePolicy still wipes the permissions',
    build: (c) => {
      resourcePolicy(c, 'Policy', []);
      permission(c, 'P');
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy' }],
  },
  {
    name: 'a Permission for another service is clobbered too',
    build: (c) => {
      resourcePolicy(c, 'Policy', [allow(c)]);
      permission(c, 'Events', { principal: 'events.amazonaws.com', sourceArn: undefined });
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy', includes: ['Permission Events'] }],
  },
  // Good.
  { name: 'only a ResourcePolicy', build: (c) => resourcePolicy(c, 'Policy', [allow(c)]), expect: [] },
  { name: 'only Permissions', build: (c) => { permission(c, 'P'); permission(c, 'P2', { sourceArn: c.api.arn('prod/GET/items') }); }, expect: [] },
  {
    name: 'ResourcePolicy on the alias, Permission on the function: separate policies (§6.5)',
    build: (c) => {
      permission(c, 'P');
      const alias = new lambda.Alias(c.stack, 'Live', { aliasName: 'live', version: c.fn.currentVersion });
      resourcePolicy(c, 'AliasPolicy', [], alias.functionArn);
    },
    expect: [],
  },
];

describe('OverBroadPermission', () => {
  test.each(OVER_BROAD.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    check(row);
  });
});

describe('StalePermission', () => {
  test.each(STALE.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    check(row);
  });
});

describe('ConflictingPolicyResources', () => {
  test.each(CONFLICTING.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    check(row);
  });
});

test('a ResourcePolicy whose document is not a literal policy is Unverifiable, never a silent pass', () => {
  const all = check({
    name: 'token document',
    build: (c) => {
      permission(c, 'P');
      new lambda.CfnResourcePolicy(c.stack, 'Policy', { resourceArn: c.fn.functionArn, policyDocument: { 'Fn::ImportValue': 'SharedPolicy' } });
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy' }],
  });
  const unverifiable = all.filter((f) => f.ruleId === 'ApiGwLambda-Unverifiable');
  expect(unverifiable.map((f) => f.path)).toEqual(['/Stack/Policy']);
  expect(unverifiable[0].message).toContain('PolicyDocument of Policy');
});

test('the three rules are warnings by default', () => {
  const all = run({
    name: 'all three',
    build: (c) => {
      resourcePolicy(c, 'Policy', [allow(c, { Principal: '*' })]);
      permission(c, 'Stale', { sourceArn: 'arn:aws:execute-api:eu-west-1:111111111111:abc123defg/*' });
    },
    expect: [],
  });
  const levels = new Set(all.filter((f) => RULES.includes(f.ruleId.replace('ApiGwLambda-', ''))).map((f) => `${f.ruleId}:${f.level}`));
  expect([...levels].sort()).toEqual([
    'ApiGwLambda-ConflictingPolicyResources:warning',
    'ApiGwLambda-OverBroadPermission:warning',
    'ApiGwLambda-StalePermission:warning',
  ]);
});

/**
 * Grant evaluation (semantics.md §6) and the precedence of rules.md, table-driven: each row is a REAL
 * CDK app with an all-L1 REST API (`GET /items` → the function, stage `prod`, nothing added for you)
 * plus `lambda.CfnPermission` / `lambda.CfnResourcePolicy` grants, and lists exactly the findings it
 * expects. Rows cite the semantics.md §11 case they cover.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { L1RestApi, ReportedFinding, fn, l1RestApi, synthFindings } from '../helpers';

const APIGW = 'apigateway.amazonaws.com';
const METHOD = '/Stack/Get';

interface Ctx {
  readonly stack: Stack;
  readonly fn: lambda.Function;
  readonly api: L1RestApi;
}

interface Row {
  readonly name: string;
  readonly stackProps?: StackProps;
  /** Stages of the API (default `prod`). */
  readonly stages?: string[];
  /** Adds the grants under test. */
  readonly grants: (c: Ctx) => void;
  /** `Rule @ constructPath` (rule id without prefix), exactly, sorted; plus message parts per finding. */
  readonly expect: ReadonlyArray<{ rule: string; path: string; includes?: string[]; excludes?: string[] }>;
}

function run(row: Row): ReportedFinding[] {
  const app = new App();
  const stack = new Stack(app, 'Stack', row.stackProps);
  const f = fn(stack, 'Fn');
  const api = l1RestApi(stack, f.functionArn, { stages: row.stages });
  row.grants({ stack, fn: f, api });
  return synthFindings(app);
}

function check(row: Row): void {
  const found = run(row);
  const actual = found.map((f) => `${f.ruleId.replace('ApiGwLambda-', '')} @ ${f.path}`).sort();
  const wanted = row.expect.map((e) => `${e.rule} @ ${e.path}`).sort();
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    expect(found.map((f) => `${f.ruleId.replace('ApiGwLambda-', '')} @ ${f.path}: ${f.message}`)).toEqual(wanted);
  }
  for (const e of row.expect) {
    const f = found.find((x) => x.ruleId === `ApiGwLambda-${e.rule}` && x.path === e.path)!;
    for (const part of e.includes ?? []) expect(f.message).toContain(part);
    for (const part of e.excludes ?? []) expect(f.message).not.toContain(part);
  }
}

/** An AWS::Lambda::Permission on the function with sensible defaults (override any property). */
function permission(c: Ctx, id: string, props: Partial<lambda.CfnPermissionProps> = {}): lambda.CfnPermission {
  return new lambda.CfnPermission(c.stack, id, {
    action: 'lambda:InvokeFunction',
    functionName: c.fn.functionArn,
    principal: APIGW,
    sourceArn: c.api.arn('*/GET/items'),
    ...props,
  });
}

/** An AWS::Lambda::ResourcePolicy on the function with the given statements. */
function resourcePolicy(c: Ctx, id: string, statements: object[], resourceArn = c.fn.functionArn): lambda.CfnResourcePolicy {
  return new lambda.CfnResourcePolicy(c.stack, id, {
    resourceArn,
    policyDocument: { Version: '2012-10-17', Statement: statements },
  });
}

function allowStatement(c: Ctx, extra: object = {}): object {
  return {
    Effect: 'Allow',
    Principal: { Service: APIGW },
    Action: 'lambda:InvokeFunction',
    Resource: c.fn.functionArn,
    Condition: { ArnLike: { 'aws:SourceArn': c.api.arn('*/GET/items') } },
    ...extra,
  };
}

const ENV = { env: { account: '111111111111', region: 'eu-west-1' } };

/** A Deny for API Gateway on the function (add a Condition to scope it). */
function denyAll(c: Ctx): Record<string, unknown> {
  return { Sid: 'NoApiGw', Effect: 'Deny', Principal: { Service: APIGW }, Action: 'lambda:InvokeFunction', Resource: c.fn.functionArn };
}

const GOOD: Row[] = [
  {
    name: 'ResourcePolicy Deny whose condition API Gateway never meets (StringEquals aws:PrincipalOrgID) beside a correct Allow',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c),
      { ...denyAll(c), Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } } },
    ]),
    expect: [],
  },
  { name: 'exact SourceArn (C01)', grants: (c) => permission(c, 'P', { sourceArn: c.api.arn('prod/GET/items') }), expect: [] },
  { name: 'broad api/* SourceArn (C15)', grants: (c) => permission(c, 'P', { sourceArn: c.api.arn('*') }), expect: [] },
  { name: 'action lambda:* (C24)', grants: (c) => permission(c, 'P', { action: 'lambda:*' }), expect: [] },
  { name: 'action * (C24)', grants: (c) => permission(c, 'P', { action: '*' }), expect: [] },
  { name: 'action lambda:invokeFunction, any case (C24)', grants: (c) => permission(c, 'P', { action: 'lambda:invokeFunction' }), expect: [] },
  { name: 'FunctionName as the function name (Ref) (C20)', grants: (c) => permission(c, 'P', { functionName: c.fn.functionName }), expect: [] },
  {
    name: 'SourceAccount = the API account, literal env (§6.4)',
    stackProps: ENV,
    grants: (c) => permission(c, 'P', { sourceAccount: '111111111111' }),
    expect: [],
  },
  { name: 'SourceAccount = ${AWS::AccountId} (same stack)', grants: (c) => permission(c, 'P', { sourceAccount: c.stack.account }), expect: [] },
  {
    name: 'SourceAccount = the account of its SourceArn, environment-agnostic stack',
    grants: (c) => permission(c, 'P', {
      sourceAccount: '111111111111', sourceArn: `arn:aws:execute-api:us-east-1:111111111111:${c.api.api.ref}/*/GET/items`,
    }),
    expect: [],
  },
  { name: 'InvokedViaFunctionUrl: false is no condition', grants: (c) => permission(c, 'P', { invokedViaFunctionUrl: false }), expect: [] },
  { name: 'ResourcePolicy with a correct Allow (C60)', grants: (c) => resourcePolicy(c, 'Policy', [allowStatement(c)]), expect: [] },
  {
    name: 'ResourcePolicy Deny for another API does not touch this one',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c),
      { Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: c.fn.functionArn,
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:eu-west-1:111111111111:otherapi/*' } } },
    ]),
    expect: [],
  },
  {
    name: 'a wrong grant beside a correct one does not matter',
    grants: (c) => {
      permission(c, 'Good');
      permission(c, 'Url', { action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE', sourceArn: undefined, principal: '*' });
    },
    expect: [],
  },
];

const BAD: Row[] = [
  // Step 1: MissingPermission.
  { name: 'no grant at all (C52)', grants: () => undefined, expect: [{ rule: 'MissingPermission', path: METHOD }] },
  {
    name: 'principal = account id, no credentials (C25)',
    grants: (c) => permission(c, 'P', { principal: '123456789012' }),
    expect: [{ rule: 'MissingPermission', path: METHOD }],
  },
  {
    name: 'principal = role ARN, no credentials (C25)',
    grants: (c) => permission(c, 'P', { principal: 'arn:aws:iam::123456789012:role/caller' }),
    expect: [{ rule: 'MissingPermission', path: METHOD }],
  },
  {
    name: 'only another service principal (events.amazonaws.com)',
    grants: (c) => permission(c, 'P', { principal: 'events.amazonaws.com', sourceArn: undefined }),
    expect: [{ rule: 'MissingPermission', path: METHOD }],
  },
  // Step 3: GrantMismatch.
  {
    name: 'action lambda:InvokeFunctionUrl (C23)',
    grants: (c) => permission(c, 'P', { action: 'lambda:InvokeFunctionUrl' }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['lambda:InvokeFunctionUrl does not allow lambda:InvokeFunction'] }],
  },
  {
    name: 'action lambda:GetFunction (C23)',
    grants: (c) => permission(c, 'P', { action: 'lambda:GetFunction' }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['lambda:GetFunction'] }],
  },
  {
    name: 'PrincipalOrgID with Principal * (C27)',
    grants: (c) => permission(c, 'P', { principal: '*', principalOrgId: 'o-abcdef1234', sourceArn: undefined }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['PrincipalOrgID'] }],
  },
  {
    name: 'FunctionUrlAuthType (C28)',
    grants: (c) => permission(c, 'P', { functionUrlAuthType: 'AWS_IAM' }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['FunctionUrlAuthType'] }],
  },
  {
    name: 'InvokedViaFunctionUrl: true (C28)',
    grants: (c) => permission(c, 'P', { invokedViaFunctionUrl: true }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['InvokedViaFunctionUrl'] }],
  },
  {
    name: 'EventSourceToken (C28)',
    grants: (c) => permission(c, 'P', { eventSourceToken: 'amzn1.ask.skill.token' }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['EventSourceToken'] }],
  },
  {
    name: 'SourceAccount is not the API account, literal env (C29)',
    stackProps: ENV,
    grants: (c) => permission(c, 'P', { sourceAccount: '222222222222' }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['SourceAccount 222222222222', '111111111111'] }],
  },
  {
    name: 'SourceAccount contradicts the account of its own SourceArn, environment-agnostic stack (C29)',
    grants: (c) => permission(c, 'P', {
      sourceAccount: '222222222222', sourceArn: `arn:aws:execute-api:us-east-1:111111111111:${c.api.api.ref}/*/GET/items`,
    }),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['SourceAccount 222222222222 contradicts account 111111111111 in its SourceArn'] }],
  },
  {
    name: 'ResourcePolicy: explicit Deny beats a correct Allow (C59); the advice is to remove the Deny, not to add a grant',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c),
      { Sid: 'NoApiGw', Effect: 'Deny', Principal: { Service: APIGW }, Action: 'lambda:InvokeFunction', Resource: c.fn.functionArn },
    ]),
    expect: [{
      rule: 'GrantMismatch', path: METHOD,
      includes: ["explicit Deny in Policy (Statement[1], Sid 'NoApiGw') matches", 'Remove or narrow the explicit Deny', 'overrides every Allow'],
      excludes: ['Add a statement'],
    }],
  },
  {
    name: 'ResourcePolicy without an API Gateway statement (C58): add the Allow to its document, not a Permission beside it',
    grants: (c) => resourcePolicy(c, 'Policy', [allowStatement(c, { Principal: { Service: 's3.amazonaws.com' } })]),
    expect: [{
      rule: 'MissingPermission', path: METHOD,
      includes: ['Add an Allow statement for apigateway.amazonaws.com', 'to the PolicyDocument of AWS::Lambda::ResourcePolicy Policy', 'overwritten'],
      excludes: ['Add an AWS::Lambda::Permission'],
    }],
  },
  {
    name: 'ResourcePolicy Allow with a condition API Gateway never meets',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } } }),
    ]),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['aws:PrincipalOrgID'] }],
  },
  {
    name: 'ResourcePolicy Deny with a negated condition beside a correct Allow: it may apply (StringNotEquals matches a missing key)',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c),
      { ...denyAll(c), Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } } },
    ]),
    expect: [{ rule: 'Unverifiable', path: METHOD, includes: ['explicit Deny in Policy', 'StringNotEquals aws:PrincipalOrgID', 'never holds for this API\'s calls'] }],
  },
  {
    name: 'ResourcePolicy Deny with ArnNotLike on the SourceArn beside a correct Allow: not decided, so a warning',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c),
      { ...denyAll(c), Condition: { ArnNotLike: { 'AWS:SourceArn': c.api.arn('*') } } },
    ]),
    expect: [{ rule: 'Unverifiable', path: METHOD, includes: ['ArnNotLike AWS:SourceArn'] }],
  },
  // Step 4: SourceArnMismatch.
  {
    name: 'wildcard in the region/account of the SourceArn (C16)',
    grants: (c) => permission(c, 'P', { sourceArn: `arn:aws:execute-api:*:*:${c.api.api.ref}/*/GET/items` }),
    expect: [{ rule: 'SourceArnMismatch', path: METHOD, includes: ['wildcard in its region or account', 'Lambda rejects'] }],
  },
  {
    name: 'SourceArn of another API (C13)',
    grants: (c) => permission(c, 'P', { sourceArn: 'arn:aws:execute-api:eu-west-1:111111111111:abcdef1234/*/GET/items' }),
    expect: [
      { rule: 'SourceArnMismatch', path: METHOD, includes: ['API abcdef1234 is not this API'] },
      { rule: 'StalePermission', path: '/Stack/P', includes: ['no API with that id is defined in this app'] },
    ],
  },
  {
    name: 'one finding per integration: two uncovered stages named in one message (rules.md)',
    stages: ['prod', 'dev', 'beta'],
    grants: (c) => permission(c, 'P', { sourceArn: c.api.arn('prod/GET/items') }),
    expect: [{ rule: 'SourceArnMismatch', path: METHOD, includes: ["stage 'dev'", "stage 'beta'"] }],
  },
];

/** Precedence (rules.md): Missing before Qualifier before Grant before SourceArn, one rule per reference. */
const PRECEDENCE: Row[] = [
  {
    name: 'alias-only grant beats a wrong-principal grant: QualifierMismatch (step 2 before 1 is impossible)',
    grants: (c) => {
      const alias = new lambda.Alias(c.stack, 'Live', { aliasName: 'live', version: c.fn.currentVersion });
      permission(c, 'OnAlias', { functionName: alias.functionArn });
      permission(c, 'Account', { principal: '123456789012' });
    },
    expect: [
      { rule: 'QualifierMismatch', path: METHOD, includes: ["'live'"] },
      // The alias grant names this API, which never invokes the alias.
      { rule: 'StalePermission', path: '/Stack/OnAlias', includes: ['Fn9270CBC0:live'] },
    ],
  },
  {
    name: 'wrong action on the right qualifier beats an alias grant: GrantMismatch',
    grants: (c) => {
      const alias = new lambda.Alias(c.stack, 'Live', { aliasName: 'live', version: c.fn.currentVersion });
      permission(c, 'OnAlias', { functionName: alias.functionArn });
      permission(c, 'Url', { action: 'lambda:InvokeFunctionUrl' });
    },
    expect: [{ rule: 'GrantMismatch', path: METHOD, excludes: ['OnAlias'] }, { rule: 'StalePermission', path: '/Stack/OnAlias' }],
  },
  {
    name: 'a usable grant with a wrong SourceArn beats a wrong-action grant: SourceArnMismatch',
    grants: (c) => {
      permission(c, 'WrongPath', { sourceArn: c.api.arn('*/GET/other') });
      permission(c, 'Url', { action: 'lambda:InvokeFunctionUrl' });
    },
    expect: [{ rule: 'SourceArnMismatch', path: METHOD, includes: ['path /items not covered'] }],
  },
  {
    name: 'a matching Deny is GrantMismatch, not SourceArnMismatch, even beside a wrong-path Allow',
    grants: (c) => resourcePolicy(c, 'Policy', [
      allowStatement(c, { Condition: { ArnLike: { 'aws:SourceArn': c.api.arn('*/GET/other') } } }),
      { Effect: 'Deny', Principal: '*', Action: 'lambda:*', Resource: c.fn.functionArn },
    ]),
    expect: [{ rule: 'GrantMismatch', path: METHOD, includes: ['explicit Deny in Policy (Statement[1]) matches', 'Remove or narrow'] }],
  },
];

describe('grant evaluation: good', () => {
  test.each(GOOD.map((r) => [r.name, r] as const))('%s', (_n, row) => check(row));
});

describe('grant evaluation: bad', () => {
  test.each(BAD.map((r) => [r.name, r] as const))('%s', (_n, row) => check(row));
});

describe('precedence', () => {
  test.each(PRECEDENCE.map((r) => [r.name, r] as const))('%s', (_n, row) => check(row));
});

describe('over-broad grants still cover the path (reported by OverBroadPermission only)', () => {
  test.each([
    ['principal * with a matching SourceArn (C26)', (c: Ctx) => permission(c, 'P', { principal: '*' }), 'its principal is *'],
    ['no SourceArn (C64)', (c: Ctx) => permission(c, 'P', { sourceArn: undefined }), 'no SourceArn'],
    ['ResourcePolicy Allow to * without condition', (c: Ctx) => resourcePolicy(c, 'P', [allowStatement(c, { Principal: '*', Condition: undefined })]), 'its principal is *'],
  ] as const)('%s', (_n, grants, reason) => {
    check({ name: _n, grants, expect: [{ rule: 'OverBroadPermission', path: '/Stack/P', includes: [reason] }] });
  });
});

test('ResourcePolicy + Permission on one function: coverage passes, ConflictingPolicyResources warns (C58)', () => {
  check({
    name: 'conflict',
    grants: (c) => {
      resourcePolicy(c, 'Policy', [allowStatement(c)]);
      permission(c, 'P');
    },
    expect: [{ rule: 'ConflictingPolicyResources', path: '/Stack/Policy', includes: ['AWS::Lambda::Permission P', 'overwrites'] }],
  });
});

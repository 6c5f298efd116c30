/**
 * CloudFormation resource Conditions (a resource is created only when its condition holds) and grants
 * whose function cannot be named. A resource under a false condition does not exist; a grant under a
 * condition the templates do not settle, or naming an unknown function, covers a path only maybe:
 * `Unverifiable` (a warning naming the grant), never a silent pass and never a false error
 * (rules.md Unverifiable). Plain templates, as the CLI reads them.
 */
import { CfnTemplate } from '../../lib/facts/template';
import { Finding, analyze } from '../../lib/engine';
import { analyzeTemplates } from '../helpers';
import { lambdaUri, restItemsResources } from '../rest-items-template';

const ARN = (rest: string, api: any = { Ref: 'Api' }) => ({ 'Fn::Join': ['', ['arn:aws:execute-api:eu-west-1:111111111111:', api, `/${rest}`]] });
const FN_ARN = { 'Fn::GetAtt': ['Fn', 'Arn'] };

const CONDITIONS = {
  Never: { 'Fn::Equals': ['a', 'b'] },
  Always: { 'Fn::Equals': ['a', 'a'] },
  NotNever: { 'Fn::Not': [{ Condition: 'Never' }] },
  // A parameter with a Default is still a deploy-time value (as in Fn::If and SourceArns).
  IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
  SameAsIsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
  IsProdEu: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': [{ Ref: 'Zone' }, 'eu'] }] },
  ProdOrAlways: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Always' }] },
  InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
  ProdPrefix: { 'Fn::Equals': [{ 'Fn::Sub': 'prod-${Env}' }, 'dev-x'] },
};

interface Opts {
  /** Condition of the permission `Perm` (none when undefined); `null`: no `Perm` at all. */
  readonly perm?: string | null;
  readonly permProps?: Record<string, any>;
  readonly method?: string;
  readonly extra?: Record<string, any>;
}

/** REST `GET /items` (`Get`) on `Api` → `Fn`, stage `prod`, and a permission `Perm` for `prod/GET/items`. */
function template(o: Opts): CfnTemplate {
  const resources: Record<string, any> = {
    ...restItemsResources({
      methodCondition: o.method,
      integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: lambdaUri('eu-west-1') },
    }),
    Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' } } },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'prod' } },
    ...o.extra,
  };
  if (o.perm !== null) {
    resources.Perm = {
      Type: 'AWS::Lambda::Permission',
      ...(o.perm ? { Condition: o.perm } : {}),
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: FN_ARN, Principal: 'apigateway.amazonaws.com', SourceArn: ARN('prod/GET/items'), ...o.permProps },
    };
  }
  return {
    Parameters: { Env: { Type: 'String', Default: 'prod' }, Zone: { Type: 'String' }, FnName: { Type: 'String' } },
    Conditions: CONDITIONS,
    Resources: resources,
  };
}

const permission = (props: Record<string, any>, condition?: string) => ({
  Type: 'AWS::Lambda::Permission',
  ...(condition ? { Condition: condition } : {}),
  Properties: { Action: 'lambda:InvokeFunction', FunctionName: FN_ARN, Principal: 'apigateway.amazonaws.com', SourceArn: ARN('prod/GET/items'), ...props },
});

const denyPolicy = (condition: string) => ({
  Type: 'AWS::Lambda::ResourcePolicy',
  Condition: condition,
  Properties: {
    ResourceArn: FN_ARN,
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: '*' }],
    },
  },
});

interface Row {
  readonly name: string;
  readonly t: CfnTemplate;
  /** Environment-agnostic when false (region and account as pseudo parameters). */
  readonly env?: boolean;
  /** The coverage findings expected on `Get` (none when undefined), and words the first one's message must contain. */
  readonly rules?: string[];
  readonly includes?: string[];
}

const ROWS: Row[] = [
  // Conditions that the templates settle.
  { name: 'no condition: the grant covers', t: template({}) },
  { name: 'the only permission is under a false condition', t: template({ perm: 'Never' }), rules: ['MissingPermission'] },
  { name: 'the only permission is under a true condition', t: template({ perm: 'Always' }) },
  { name: 'Fn::Not of a false condition is true', t: template({ perm: 'NotNever' }) },
  { name: 'Fn::Or with a true operand is true, whatever the parameter', t: template({ perm: 'ProdOrAlways' }) },
  { name: 'a region condition in a stack of another region is false', t: template({ perm: 'InUsEast1' }), rules: ['MissingPermission'] },
  { name: 'literal text that differs is false whatever the parameter', t: template({ perm: 'ProdPrefix' }), rules: ['MissingPermission'] },
  // An Fn::If on a settled condition takes its branch.
  { name: 'SourceArn Fn::If on a true condition: its first branch covers',
    t: template({ permProps: { SourceArn: { 'Fn::If': ['Always', ARN('prod/GET/items'), ARN('dev/GET/items')] } } }) },
  { name: 'SourceArn Fn::If on a false condition: its second branch, another stage',
    t: template({ permProps: { SourceArn: { 'Fn::If': ['Never', ARN('prod/GET/items'), ARN('dev/GET/items')] } } }), rules: ['SourceArnMismatch'] },
  { name: 'SourceArn Fn::If on a parameter condition: either may deploy',
    t: template({ permProps: { SourceArn: { 'Fn::If': ['IsProd', ARN('prod/GET/items'), ARN('dev/GET/items')] } } }), rules: ['Unverifiable'] },
  // Conditions that the templates do not settle.
  { name: 'the only permission depends on a parameter (even one with a Default)', t: template({ perm: 'IsProd' }),
    rules: ['Unverifiable'], includes: ['Perm covers the path but is created only when its condition IsProd holds', 'parameter Env'] },
  { name: 'a region condition in an environment-agnostic stack', t: template({ perm: 'InUsEast1' }), env: false,
    rules: ['Unverifiable'], includes: ['condition InUsEast1', 'pseudo parameter AWS::Region'] },
  { name: 'the method is under the same condition as the permission', t: template({ perm: 'IsProd', method: 'IsProd' }) },
  { name: 'the method is under another name for the same condition', t: template({ perm: 'IsProd', method: 'SameAsIsProd' }) },
  { name: 'the method is under a condition that implies the permission\'s (Fn::And)', t: template({ perm: 'IsProd', method: 'IsProdEu' }) },
  { name: 'the method is under a weaker condition than the permission', t: template({ perm: 'IsProdEu', method: 'IsProd' }),
    rules: ['Unverifiable'], includes: ['condition IsProdEu'] },
  { name: 'a conditional permission that would not cover the path anyway',
    t: template({ perm: 'IsProd', permProps: { SourceArn: ARN('prod/POST/items') } }), rules: ['SourceArnMismatch'] },
  { name: 'a conditional permission beside an unconditional one that covers',
    t: template({ perm: 'IsProd', extra: { Perm2: permission({}) } }) },
  // Methods, stages and policies under conditions.
  { name: 'the method is under a false condition: not checked', t: template({ perm: null, method: 'Never' }) },
  { name: 'the method is under an unknown condition: checked (it may exist)', t: template({ perm: null, method: 'IsProd' }),
    rules: ['MissingPermission'] },
  { name: 'a stage under a false condition needs no grant',
    t: template({ extra: { Dev: { Type: 'AWS::ApiGateway::Stage', Condition: 'Never', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'dev' } } } }) },
  { name: 'a Deny under a false condition denies nothing', t: template({ extra: { Policy: denyPolicy('Never') } }) },
  { name: 'a Deny under an unknown condition leaves a covered path undecided', t: template({ extra: { Policy: denyPolicy('IsProd') } }),
    rules: ['Unverifiable'], includes: ['explicit Deny in Policy', 'condition IsProd'] },
  // A permission whose FunctionName names no known function (Task: unknown targets).
  { name: 'the only permission names its function by a parameter', t: template({ permProps: { FunctionName: { Ref: 'FnName' } } }),
    rules: ['Unverifiable'], includes: ['FunctionName of Perm is ${parameter FnName}', 'if it names Fn'] },
  { name: 'the only permission names its function by an unknown import',
    t: template({ permProps: { FunctionName: { 'Fn::ImportValue': 'FnArnExport' } } }),
    rules: ['Unverifiable'], includes: ['FunctionName of Perm cannot be resolved', 'Fn::ImportValue FnArnExport'] },
  { name: 'a known grant misses, a grant naming an unknown function covers',
    t: template({ permProps: { SourceArn: ARN('prod/POST/items') }, extra: { Perm2: permission({ FunctionName: { Ref: 'FnName' } }) } }),
    rules: ['Unverifiable'], includes: ['FunctionName of Perm2'] },
  { name: 'a known grant with the wrong action, a grant naming an unknown function covers',
    t: template({ permProps: { Action: 'lambda:GetFunction' }, extra: { Perm2: permission({ FunctionName: { Ref: 'FnName' } }) } }),
    rules: ['Unverifiable'], includes: ['FunctionName of Perm2'] },
  { name: 'a grant on another qualifier, a grant naming an unknown function covers',
    t: template({ permProps: { FunctionName: { 'Fn::Join': [':', [FN_ARN, 'live']] } }, extra: { Perm2: permission({ FunctionName: { Ref: 'FnName' } }) } }),
    rules: ['Unverifiable'], includes: ['FunctionName of Perm2'] },
  { name: 'an unknown function, but a SourceArn for another method', t: template({ permProps: { FunctionName: { Ref: 'FnName' }, SourceArn: ARN('prod/POST/items') } }),
    rules: ['MissingPermission'] },
  { name: 'an unknown function, but a SourceArn for another API',
    t: template({ permProps: { FunctionName: { Ref: 'FnName' }, SourceArn: ARN('prod/GET/items', { Ref: 'Other' }) },
      extra: { Other: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'other' } } } }),
    rules: ['MissingPermission'] },
  { name: 'an unknown function, but another principal', t: template({ permProps: { FunctionName: { Ref: 'FnName' }, Principal: 's3.amazonaws.com' } }),
    rules: ['MissingPermission'] },
  { name: 'an unknown function, but another action', t: template({ permProps: { FunctionName: { Ref: 'FnName' }, Action: 'lambda:GetFunction' } }),
    rules: ['MissingPermission'] },
  { name: 'an unknown function under a false condition grants nothing',
    t: template({ perm: 'Never', permProps: { FunctionName: { Ref: 'FnName' } } }), rules: ['MissingPermission'] },
];

function coverageOn(findings: Finding[], logicalId: string): Finding[] {
  return findings.filter((f) => f.logicalId === logicalId && f.ruleId !== 'ApiGwLambda-OverBroadPermission' && f.ruleId !== 'ApiGwLambda-StalePermission');
}

describe('resource Conditions and unknown grant targets (templates)', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const env = row.env === false ? {} : { account: '111111111111', region: 'eu-west-1' };
    const found = coverageOn(analyzeTemplates([{ key: 'T', template: row.t, ...env }]), 'Get');
    if (process.env.DUMP_FINDINGS) console.log(row.name, found.map((f) => f.message));
    expect(found.map((f) => f.ruleId.replace('ApiGwLambda-', ''))).toEqual(row.rules ?? []);
    for (const words of row.includes ?? []) expect(found[0].message).toContain(words);
  });

  test('a grant whose FunctionName is a parameter may be for an alias, and is not called stale', () => {
    const aliasUri = { 'Fn::Join': ['', ['arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/', { 'Fn::Join': [':', [FN_ARN, 'live']] }, '/invocations']] };
    const t = template({ permProps: { FunctionName: { Ref: 'FnName' } } });
    t.Resources!.Get.Properties!.Integration.Uri = aliasUri;
    const found = analyzeTemplates([{ key: 'T', template: t, account: '111111111111', region: 'eu-west-1' }]);
    expect(found.map((f) => `${f.ruleId} ${f.logicalId}`)).toEqual(['ApiGwLambda-Unverifiable Get']);
    expect(found[0].message).toContain('covers the path if it names Fn:live');
  });

  test('a nested stack\'s condition on a parameter its parent passes is decided, as the parameter\'s value is', () => {
    const child = (env: string) => [
      { key: 'Parent', template: { Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'x', Parameters: { Env: env } } } } } },
      { key: 'Child', template: template({ perm: 'IsProd' }), parent: { stackKey: 'Parent', logicalId: 'Child' } },
    ];
    const run = (env: string) => coverageOn(analyze(child(env).map((t) => ({ ...t, displayName: t.key, account: '111111111111', region: 'eu-west-1' }))).findings, 'Get');
    expect(run('dev').map((f) => f.ruleId)).toEqual(['ApiGwLambda-MissingPermission']);
    expect(run('prod')).toEqual([]);
  });

  test('HTTP routes: a route under a false condition is not checked; one under the permission\'s condition is covered', () => {
    const http = (routeCondition: string, perm?: string): CfnTemplate => ({
      Parameters: { Env: { Type: 'String' } },
      Conditions: CONDITIONS,
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'x' }, Handler: 'index.h', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::111111111111:role/r' } },
        Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
        Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default' } },
        Integ: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: FN_ARN, PayloadFormatVersion: '2.0' } },
        Route: { Type: 'AWS::ApiGatewayV2::Route', Condition: routeCondition,
          Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'GET /items', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integ' }]] } } },
        ...(perm ? { Perm: permission({ SourceArn: ARN('*/GET/items') }, perm) } : {}),
      },
    });
    const on = (t: CfnTemplate) => coverageOn(analyzeTemplates([{ key: 'T', template: t, account: '111111111111', region: 'eu-west-1' }]), 'Integ')
      .map((f) => f.ruleId.replace('ApiGwLambda-', ''));
    expect(on(http('Never'))).toEqual([]);
    expect(on(http('IsProd'))).toEqual(['MissingPermission']);
    expect(on(http('IsProd', 'IsProd'))).toEqual([]);
    expect(on(http('Always', 'IsProd'))).toEqual(['Unverifiable']);
  });

  test('an Unverifiable for a conditional grant is a warning', () => {
    const found = coverageOn(analyzeTemplates([{ key: 'T', template: template({ perm: 'IsProd' }), account: '111111111111', region: 'eu-west-1' }]), 'Get');
    expect(found.map((f) => f.severity)).toEqual(['warning']);
  });

  test('a resource under a false condition is not reported on either', () => {
    const found = analyzeTemplates([{ key: 'T', template: template({ perm: 'Never', permProps: { SourceArn: undefined } }), account: '111111111111', region: 'eu-west-1' }]);
    // Without a SourceArn it would be OverBroadPermission; it does not exist, so nothing names it.
    expect(found.filter((f) => f.logicalId === 'Perm')).toEqual([]);
  });
});

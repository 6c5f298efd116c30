/**
 * Misses that a deploy-time value could turn into matches (rules.md `Unverifiable`: "a token that
 * resolves to nothing known", "Never silently pass"): a SourceArn or stage name the templates do not
 * settle gives a warning that says what to check, not a SourceArnMismatch error; a miss that no
 * value could fix stays an error. Plain templates, as the CLI reads them.
 */
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PermissionMode } from '../../lib';
import { Finding } from '../../lib/engine';
import { CfnTemplate } from '../../lib/facts/template';
import { analyzeTemplates, fn, l1RestApi, newStack, synthFindings } from '../helpers';
import { lambdaUri, restItemsResources } from '../rest-items-template';

const PREFIX = ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:us-east-1:111111111111:', { Ref: 'Api' }];

/** REST `GET /items` on `Api` → function `Fn`, with a stage named `stageName` (none when undefined) and one permission. */
function template(opts: { sourceArn: any; stageName?: any; extra?: Record<string, any>; uri?: any }): CfnTemplate {
  const resources: Record<string, any> = {
    ...restItemsResources({
      integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: opts.uri ?? lambdaUri() },
    }),
    Deployment: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['Get'], Properties: { RestApiId: { Ref: 'Api' } } },
    Perm: {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Principal: 'apigateway.amazonaws.com', SourceArn: opts.sourceArn },
    },
    ...opts.extra,
  };
  if (opts.stageName !== undefined) {
    resources.Stage = { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: opts.stageName } };
  }
  return {
    Parameters: { StageP: { Type: 'String' }, OtherStageP: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'StageP' }, 'prod'] } },
    Resources: resources,
  };
}

const LAMBDA_PATH = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/';
const join = (...parts: any[]) => ({ 'Fn::Join': ['', [...PREFIX, ...parts]] });

interface Row {
  readonly name: string;
  readonly t: CfnTemplate;
  /** The one coverage finding expected on `Get` (undefined: none), and words its message must contain. */
  readonly rule?: 'ApiGwLambda-Unverifiable' | 'ApiGwLambda-SourceArnMismatch';
  readonly includes?: string[];
}

const ROWS: Row[] = [
  // Undecidable: a warning naming what to check.
  { name: 'SourceArn is an unknown Fn::ImportValue', t: template({ sourceArn: { 'Fn::ImportValue': 'SomeExport' }, stageName: 'prod' }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['SourceArn of Perm depends on Fn::ImportValue SomeExport'] },
  { name: 'SourceArn is an Fn::If whose branches differ',
    t: template({ sourceArn: { 'Fn::If': ['IsProd', join('/prod/GET/items'), join('/dev/GET/items')] }, stageName: 'prod' }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['Fn::If whose branches differ'] },
  { name: 'SourceArn stage is an unknown Fn::Sub variable',
    t: template({ sourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:us-east-1:111111111111:${Api}/${Nope}/GET/items' }, stageName: 'prod' }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['${Nope} in an Fn::Sub'] },
  { name: 'stage named by a parameter, grant for prod', t: template({ sourceArn: join('/prod/GET/items'), stageName: { Ref: 'StageP' } }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['stage name is ${parameter StageP}', 'Perm covers the path only if'] },
  { name: 'no stage in the templates, grant for prod', t: template({ sourceArn: join('/prod/GET/items') }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['stage name is not known'] },
  // Decidable all the same: an error.
  { name: 'unknown stage in the SourceArn, but the method is wrong',
    t: template({ sourceArn: join('/', { 'Fn::ImportValue': 'StageExport' }, '/POST/items'), stageName: 'prod' }),
    rule: 'ApiGwLambda-SourceArnMismatch', includes: ['method GET not covered'] },
  { name: 'stage named by a parameter, grant for another API',
    t: template({ sourceArn: { 'Fn::Join': ['', ['arn:aws:execute-api:us-east-1:111111111111:', { Ref: 'Other' }, '/prod/GET/items']] }, stageName: { Ref: 'StageP' },
      extra: { Other: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'other' } } } }),
    rule: 'ApiGwLambda-SourceArnMismatch', includes: ['is not this API'] },
  { name: 'stage named by a parameter, grant for a literal stage of a different shape',
    t: template({ sourceArn: join('/prod/GET/other'), stageName: { Ref: 'StageP' } }),
    rule: 'ApiGwLambda-SourceArnMismatch', includes: ['path /items not covered'] },
  // An Fn::Sub variable that names nothing is unknown, not text (else: MissingPermission for a function named "${GetPetFn.Arn}").
  { name: 'URI with an Fn::Sub variable that names nothing',
    t: template({ sourceArn: join('/prod/GET/items'), stageName: 'prod', uri: { 'Fn::Sub': `${LAMBDA_PATH}\${GetPetFn.Arn}/invocations` } }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['${GetPetFn.Arn} in an Fn::Sub'] },
  { name: 'URI with an unescaped ${stageVariables.x}: it stays text, substituted per stage',
    t: template({ sourceArn: join('/prod/GET/items'), stageName: 'prod',
      uri: { 'Fn::Sub': `${LAMBDA_PATH}arn:aws:lambda:us-east-1:111111111111:function:\${stageVariables.fn}/invocations` } }),
    rule: 'ApiGwLambda-Unverifiable', includes: ['stage variable'] },
  // Covered: nothing to report.
  { name: 'stage and SourceArn name the same parameter', t: template({ sourceArn: join('/', { Ref: 'StageP' }, '/GET/items'), stageName: { Ref: 'StageP' } }) },
  { name: 'unknown value, but another part of the SourceArn is a wildcard that covers',
    t: template({ sourceArn: join('/*/GET/*'), stageName: { Ref: 'StageP' } }) },
];

function coverageOn(findings: Finding[], logicalId: string): Finding[] {
  return findings.filter((f) => f.logicalId === logicalId && f.ruleId !== 'ApiGwLambda-OverBroadPermission' && f.ruleId !== 'ApiGwLambda-StalePermission');
}

describe('undecidable misses are Unverifiable, decidable ones stay errors', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const found = coverageOn(analyzeTemplates([{ key: 'T', template: row.t }]), 'Get');
    if (!row.rule) {
      expect(found).toEqual([]);
      return;
    }
    expect(found.map((f) => f.ruleId)).toEqual([row.rule]);
    for (const words of row.includes ?? []) expect(found[0].message).toContain(words);
  });
});

describe('an Fn::Sub variable that names nothing is unknown, not text', () => {
  test('fix mode adds no permission for such a URI', () => {
    const app = new App();
    const stack = newStack(app);
    fn(stack, 'Handler');
    const rest = l1RestApi(stack, 'PLACEHOLDER');
    rest.method.addPropertyOverride('Integration.Uri', { 'Fn::Sub': `${LAMBDA_PATH}\${GetPetFn.Arn}/invocations` });
    const findings = synthFindings(app, { mode: PermissionMode.FIX });
    expect(stack.node.findAll().filter((c) => c instanceof lambda.CfnPermission)).toEqual([]);
    expect(findings.filter((f) => f.path === '/Stack/Get').map((f) => f.ruleId)).toEqual(['ApiGwLambda-Unverifiable']);
  });
});

/**
 * Integrations the collectors cannot read as Lambda integrations, though they may be one: an
 * `Integration` that is a string or an intrinsic, a type that is not a literal or not a valid type
 * (`aws_proxy`). Never a silent pass (rules.md `Unverifiable`); real non-Lambda integrations (MOCK,
 * HTTP) stay unreported. Plain templates, as the CLI reads them, and one CDK app.
 */
import { App } from 'aws-cdk-lib';
import { CfnTemplate } from '../../lib/facts/template';
import { analyzeTemplates, fn, l1RestApi, newStack, synthFindings } from '../helpers';
import { FUNCTION_RESOURCE, lambdaUri, restItemsResources } from '../rest-items-template';

const LAMBDA_URI = lambdaUri();
/** A permission for `Api`'s GET /items on stage prod (stale when nothing integrates `Fn`). */
const PERM = {
  Type: 'AWS::Lambda::Permission',
  Properties: {
    Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Principal: 'apigateway.amazonaws.com',
    SourceArn: { 'Fn::Join': ['', ['arn:aws:execute-api:us-east-1:111111111111:', { Ref: 'Api' }, '/prod/GET/items']] },
  },
};

/** REST `GET /items` whose `Integration` is `integration`. */
function rest(integration: unknown): CfnTemplate {
  return {
    Parameters: { TypeP: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'TypeP' }, 'prod'] } },
    Resources: {
      ...restItemsResources({ integration }),
      Deployment: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['Get'], Properties: { RestApiId: { Ref: 'Api' } } },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'prod' } },
      Perm: PERM,
    },
  };
}

/** HTTP API `GET /items` whose integration has `IntegrationType` `type` (omitted when undefined) and `IntegrationUri` `uri`. */
function http(type: unknown, uri: unknown = { 'Fn::GetAtt': ['Fn', 'Arn'] }): CfnTemplate {
  return {
    Parameters: { TypeP: { Type: 'String' } },
    Resources: {
      Fn: FUNCTION_RESOURCE,
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
      Integ: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { ApiId: { Ref: 'Api' }, IntegrationUri: uri, PayloadFormatVersion: '2.0', ...(type === undefined ? {} : { IntegrationType: type }) },
      },
      Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'GET /items', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integ' }]] } } },
      Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } },
    },
  };
}

interface Row {
  readonly name: string;
  readonly t: CfnTemplate;
  readonly on: string;
  /** Words the one Unverifiable finding on `on` contains; undefined: no finding there. */
  readonly includes?: string[];
}

const ROWS: Row[] = [
  // Reported: what it integrates cannot be read.
  { name: 'REST Integration.Type in lower case', t: rest({ Type: 'aws_proxy', IntegrationHttpMethod: 'POST', Uri: LAMBDA_URI }), on: 'Get',
    includes: ["Integration.Type of Get is 'aws_proxy', which is not an integration type", 'as AWS_PROXY it needs a permission'] },
  { name: 'REST Integration.Type from a parameter', t: rest({ Type: { Ref: 'TypeP' }, IntegrationHttpMethod: 'POST', Uri: LAMBDA_URI }), on: 'Get',
    includes: ['Integration.Type of Get is not a literal value (Ref)'] },
  { name: 'REST Integration without a Type', t: rest({ IntegrationHttpMethod: 'POST', Uri: LAMBDA_URI }), on: 'Get',
    includes: ['Get has no Integration.Type'] },
  { name: 'REST Integration that is a string', t: rest('x'), on: 'Get',
    includes: ["Integration of Get is the string 'x'; expected an object with Type and Uri"] },
  { name: 'REST Integration computed by Fn::If', t: rest({ 'Fn::If': ['IsProd', { Type: 'AWS_PROXY', Uri: LAMBDA_URI }, { Type: 'MOCK' }] }), on: 'Get',
    includes: ['Integration of Get is computed by Fn::If'] },
  { name: 'HTTP IntegrationType in lower case', t: http('aws_proxy'), on: 'Integ', includes: ["IntegrationType of Integ is 'aws_proxy'"] },
  { name: 'HTTP IntegrationType from a parameter', t: http({ Ref: 'TypeP' }), on: 'Integ', includes: ['IntegrationType of Integ is not a literal value (Ref)'] },
  { name: 'REST Integration.Uri from a parameter', t: rest({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { Ref: 'TypeP' } }), on: 'Get',
    includes: ['Integration.Uri of Get is not a literal value (Ref)'] },
  { name: 'HTTP IntegrationUri from a parameter', t: http('AWS_PROXY', { Ref: 'TypeP' }), on: 'Integ',
    includes: ['IntegrationUri of Integ is not a literal value (Ref)'] },
  // Not Lambda integrations: nothing to say.
  { name: 'REST AWS integration to S3, a token in its path', on: 'Get', t: rest({
    Type: 'AWS', IntegrationHttpMethod: 'GET',
    Uri: { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, ':s3:path/', { Ref: 'TypeP' }, '/key']] },
  }) },
  { name: 'REST MOCK integration', t: rest({ Type: 'MOCK' }), on: 'Get' },
  { name: 'REST HTTP_PROXY integration', t: rest({ Type: 'HTTP_PROXY', IntegrationHttpMethod: 'GET', Uri: 'https://example.com' }), on: 'Get' },
  { name: 'REST type from a parameter, URI not Lambda', t: rest({ Type: { Ref: 'TypeP' }, Uri: 'https://example.com' }), on: 'Get' },
  { name: 'REST method without an Integration', t: rest(undefined), on: 'Get' },
  { name: 'HTTP HTTP_PROXY integration', t: http('HTTP_PROXY'), on: 'Integ' },
];

describe('odd integrations are Unverifiable, never skipped in silence', () => {
  test.each(ROWS.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const findings = analyzeTemplates([{ key: 'T', template: row.t }]);
    const found = findings.filter((f) => f.logicalId === row.on);
    if (!row.includes) {
      expect(found).toEqual([]);
      return;
    }
    expect(found.map((f) => f.ruleId)).toEqual(['ApiGwLambda-Unverifiable']);
    for (const words of row.includes) expect(found[0].message).toContain(words);
  });

  test("the API's grants are not called stale while one of its integrations cannot be read", () => {
    const stale = (t: CfnTemplate) => analyzeTemplates([{ key: 'T', template: t }]).filter((f) => f.ruleId === 'ApiGwLambda-StalePermission');
    expect(stale(rest({ Type: 'aws_proxy', Uri: LAMBDA_URI }))).toEqual([]);
    expect(stale(rest({ Type: 'MOCK' })).map((f) => f.logicalId)).toEqual(['Perm']); // a real MOCK: the grant is stale
  });

  test('in a CDK app (Aspect): a property override with a lower-case type', () => {
    const app = new App();
    const stack = newStack(app);
    fn(stack, 'Handler');
    const api = l1RestApi(stack, 'Handler');
    api.method.addPropertyOverride('Integration.Type', 'aws_proxy');
    const found = synthFindings(app).filter((f) => f.path === '/Stack/Get');
    expect(found.map((f) => f.ruleId)).toEqual(['ApiGwLambda-Unverifiable']);
    expect(found[0].message).toContain("Integration.Type of Get is 'aws_proxy'");
  });
});

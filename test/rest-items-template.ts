/**
 * The plain-template fixture several rule tables start from: REST `GET /items` (method `Get`) on
 * `Api`, integrating function `Fn` through a Lambda proxy URI, as the CLI reads a template.
 */

/** The `Fn` resource (a function defined in the template). */
export const FUNCTION_RESOURCE = {
  Type: 'AWS::Lambda::Function',
  Properties: { Code: { ZipFile: 'x' }, Handler: 'index.h', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::111111111111:role/r' },
};

/** `arn:aws:apigateway:<region>:lambda:path/…/functions/<Fn's ARN>/invocations` */
export function lambdaUri(region = 'us-east-1'): object {
  return { 'Fn::Join': ['', [`arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/`, { 'Fn::GetAtt': ['Fn', 'Arn'] }, '/invocations']] };
}

export interface RestItemsOptions {
  /** The method's `Integration` (default: AWS_PROXY POST to `Fn`); undefined in the object: no Integration. */
  readonly integration?: unknown;
  /** The method's resource `Condition`. */
  readonly methodCondition?: string;
}

/** `Fn`, `Api`, `Items` (`/items`) and `Get`; callers add stages, deployments and permissions. */
export function restItemsResources(o: RestItemsOptions = {}): Record<string, any> {
  return {
    Fn: FUNCTION_RESOURCE,
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
    Items: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Api' }, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'items' } },
    Get: {
      Type: 'AWS::ApiGateway::Method',
      ...(o.methodCondition ? { Condition: o.methodCondition } : {}),
      Properties: {
        RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Items' }, HttpMethod: 'GET', AuthorizationType: 'NONE',
        Integration: 'integration' in o ? o.integration : { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: lambdaUri() },
      },
    },
  };
}

/**
 * The reviewed expectations for the real-template corpus (/work/shared/corpus/real, see its SOURCES.md),
 * shared by the engine-level test (corpus.test.ts) and the cloudformation-include test
 * (corpus-include.test.ts). Verdicts and reasons: test/fixtures/corpus-expectations.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS } from './helpers';

/** The issue-2 rules; other rules (credentials, caller passthrough, policy size) are not expected here. */
export const ISSUE2_RULES = [
  'MissingPermission', 'QualifierMismatch', 'GrantMismatch', 'SourceArnMismatch', 'IntegrationHttpMethod',
  'OverBroadPermission', 'StalePermission', 'ConflictingPolicyResources', 'Unverifiable',
];

/** Files analysed together as one app (the second imports the first's Export via Fn::ImportValue). */
export const APPS: Record<string, string[]> = {
  'aws-cdk/rest-multistack': [
    'aws-cdk/rest-multistack-1-lambda-export.template.json',
    'aws-cdk/rest-multistack-2-api-import.template.json',
  ],
};

/** Deploy environments that are literal in the template (SOURCES.md). */
export const ENVS: Record<string, { account: string; region: string }> = {
  'aws-cdk/rest-lambdarestapi-generated-name-literal-env.template.json': { account: '111111111111', region: 'us-east-1' },
};

/** `RuleId logicalId` (rule id without the `ApiGwLambda-` prefix), one entry per finding. */
export type Expected = readonly string[];

const CLEAN: Expected = [];

/** Reviewed verdicts for every analysable file (plain CloudFormation, JSON or YAML). */
export const EXPECTED: Record<string, Expected> = {
  // --- aws/aws-cdk integ snapshots (L2 constructs): clean unless noted.
  'aws-cdk/http-add-subroute-integration.template.json': CLEAN,
  'aws-cdk/http-integ-tests-assertions-lambda-routes.template.json': CLEAN,
  'aws-cdk/http-jwt-userpool-authorizer-lambda.template.json': CLEAN,
  'aws-cdk/http-lambda-authorizer.template.json': CLEAN,
  'aws-cdk/http-lambda-permission-consolidation.template.json': CLEAN,
  'aws-cdk/http-lambda-proxy.template.json': CLEAN,
  'aws-cdk/http-sfn-task-call-http-api-lambda.template.json': CLEAN,
  'aws-cdk/http-url-proxy-and-lambda.template.json': CLEAN,
  'aws-cdk/negative-http-sqs-credentials.template.json': CLEAN,
  'aws-cdk/negative-rest-stepfunctions-credentials.template.json': CLEAN,
  'aws-cdk/negative-websocket-aws-dynamodb-credentials.template.json': CLEAN,
  'aws-cdk/rest-authorizer-cognito-plus-lambda-proxy.template.json': CLEAN,
  'aws-cdk/rest-cors-lambda.template.json': CLEAN,
  'aws-cdk/rest-default-apikey.template.json': CLEAN,
  'aws-cdk/rest-lambda-permission-consolidation.template.json': CLEAN,
  'aws-cdk/rest-lambdarestapi-custom-domain.template.json': CLEAN,
  'aws-cdk/rest-lambdarestapi-generated-name-literal-env.template.json': CLEAN,
  'aws-cdk/rest-lambdarestapi-latebound-deploymentstage.template.json': CLEAN,
  'aws-cdk/rest-lambdarestapi-nonproxy.template.json': CLEAN,
  'aws-cdk/rest-lambdarestapi-proxy.template.json': CLEAN,
  'aws-cdk/rest-multistack': CLEAN,
  'aws-cdk/rest-request-authorizer.template.json': CLEAN,
  'aws-cdk/rest-restapi-books-many-methods.template.json': CLEAN,
  'aws-cdk/rest-restapi-multiuse-shared-handler.template.json': CLEAN,
  // Genuine (aws-cdk#3983, C10): permissions are scoped to the deployment stage 'beta'; the extra 'prod' Stage is not covered.
  'aws-cdk/rest-restapi-two-stages-mixed-integrations.template.json': [
    'SourceArnMismatch myapiv1booksGETC6B996D0',
    'SourceArnMismatch myapiv1booksPOST53E2832E',
    'SourceArnMismatch myapiv1toysGET7348114D',
  ],
  'aws-cdk/rest-sfn-task-call-rest-api-lambda.template.json': CLEAN,
  // OpenAPI definition in S3: cannot be checked (the code-added methods are fine).
  'aws-cdk/rest-specrestapi-s3-definition-plus-addmethod.template.json': ['Unverifiable myapi4C7BF186'],
  'aws-cdk/rest-token-authorizer-iam-role.template.json': CLEAN, // credentials role: issue-3 rules only
  'aws-cdk/rest-token-authorizer.template.json': CLEAN,
  'aws-cdk/websocket-connect-disconnect-trigger.template.json': CLEAN,
  'aws-cdk/websocket-iam-authorizer-lambda.template.json': CLEAN,
  'aws-cdk/websocket-lambda-routes.template.json': CLEAN,
  'aws-cdk/websocket-lambda-shared-integration.template.json': CLEAN,

  // --- aws-samples/aws-cdk-examples: an old CDK (Java) expected template.
  // Genuine (C03): SourceArn paths keep the literal `{id}`, which REST never presents.
  'aws-cdk-examples/java-my-widget-service-expected.template.json': [
    'SourceArnMismatch widgetsapiidDELETEE1FEF8E3',
    'SourceArnMismatch widgetsapiidGETDEFE5D49',
    'SourceArnMismatch widgetsapiidPOSTCE874B77',
  ],

  // --- aws-cloudformation-templates (hand-written, literal `arn:aws:` partition).
  'aws-cloudformation-templates/apigateway-lambda-nonproxy-integration.template.json': CLEAN,
  'aws-cloudformation-templates/webapp-cognito-lambda-proxy.template.json': CLEAN,

  // --- awslabs/aws-solutions-constructs integ snapshots.
  'aws-solutions-constructs/apigateway-lambda-deploy-function.template.json': CLEAN,
  'aws-solutions-constructs/cloudfront-apigateway-lambda-request-authorizer.template.json': CLEAN,
  'aws-solutions-constructs/cloudfront-specrestapi-inline-lambda.template.json': CLEAN,
  'aws-solutions-constructs/cognito-apigateway-lambda.template.json': CLEAN,
  // HARD CASE: body written to S3 by a custom resource.
  'aws-solutions-constructs/openapigateway-lambda-aliases-s3-definition.template.json': ['Unverifiable OpenApiGatewayToLambdaSpecRestApi27C18064'],
  'aws-solutions-constructs/openapigateway-lambda-inline-definition.template.json': CLEAN,
  'aws-solutions-constructs/restaurant-demo-manager-stack.template.json': CLEAN,
  'aws-solutions-constructs/wafwebacl-two-lambdarestapis.template.json': CLEAN,
  'aws-solutions-constructs/websocket-sqs-route-lambdas-credentials.template.json': CLEAN,

  // --- converted CDK snapshot: stage variable selects alias 'dev', permission on that alias.
  'collections-app-ex/stage-variable-alias-nonproxy.template.json': CLEAN,

  // --- SAM translator expected outputs (already transformed).
  // Connectors grant four APIs that route nowhere near the functions (the REST root method is MOCK).
  'serverless-application-model/connector-api-to-function.template.json': [
    'StalePermission MyConnectorApiV2ToLambdaWriteLambdaPermission',
    'StalePermission MyConnectorApigwToLambdaWriteLambdaPermission',
    'StalePermission MyConnectorServerlessApiToLambdaWriteLambdaPermission',
    'StalePermission MyConnectorServerlessHttpApiToLambdaWriteLambdaPermission',
  ],
  'serverless-application-model/explicit-api-two-stages-stage-variables.template.json': ['Unverifiable GetHtmlApi'],
  'serverless-application-model/function-alias-api-event.template.json': ['Unverifiable GetHtmlApi'],
  'serverless-application-model/http-api-lambda-auth-full.template.json': CLEAN,
  'serverless-application-model/http-api-lambda-auth-permissions-resource.template.json': CLEAN,
  'serverless-application-model/implicit-api-many-conditions.template.json': CLEAN,
  'serverless-application-model/implicit-http-api.template.json': CLEAN,
  'serverless-application-model/implicit-rest-api.template.json': CLEAN,
  // The test input's authorizer FunctionArn is the literal 'arn:aws': neither the authorizer URI nor its permissions name a function.
  'serverless-application-model/rest-auth-all-maximum.template.json': [
    'Unverifiable MyApi',
    'Unverifiable MyApiMyLambdaRequestAuthAuthorizerPermission',
    'Unverifiable MyApiMyLambdaTokenAuthAuthorizerPermission',
    'Unverifiable MyApiMyLambdaTokenAuthNoneFunctionInvokeRoleAuthorizerPermission',
  ],
  // DisableFunctionDefaultPermissions: the authorizer of MyApiFunctionEvent has no permission for that API
  // (MyAuthFn is only granted to another API's authorizers).
  'serverless-application-model/rest-auth-disable-default-function-permissions.template.json': ['SourceArnMismatch MyApiFunctionEvent'],
  'serverless-application-model/rest-iam-auth-invoke-role-overrides.template.json': CLEAN,
  'serverless-application-model/rest-method-iam-auth-credentials.template.json': CLEAN,
  'serverless-application-model/websocket-lambda-auth-invoke-role.template.json': CLEAN,
  'serverless-application-model/websocket-simple-app.template.json': CLEAN,

  // --- serverless-patterns plain CloudFormation YAML.
  'serverless-patterns/apigw-lambda-request-validator.template.yaml': CLEAN,
  'serverless-patterns/apigw-mutualtls-lambda-quick-create.template.yaml': CLEAN,
  'serverless-patterns/lambda-microvms-http-api-quick-create.template.yaml': CLEAN,

  // --- serverless-plugin-canary-deployments fixtures: integrations and permissions both moved to the Live alias.
  'serverless-plugin-canary-deployments/sls-rest-alias-after-plugin.template.json': CLEAN,
  'serverless-plugin-canary-deployments/sls-rest-unqualified-before-plugin.template.json': CLEAN,
  // WebSocket permissions without SourceArn (C64: they work, but any API can invoke).
  'serverless-plugin-canary-deployments/sls-websocket-alias.template.json': ['OverBroadPermission HelloLambdaPermissionWebsockets'],
  'serverless-plugin-canary-deployments/sls-websocket-authorizer-alias.template.json': [
    'OverBroadPermission AuthorizeLambdaPermissionWebsockets',
    'OverBroadPermission HelloLambdaPermissionWebsockets',
  ],
};

/**
 * `*.sam.yaml` need the SAM transform: analysed as-is, AWS::Serverless::Function counts as a function,
 * so their hand-written permissions must not read as missing. Only what is visible pre-transform is expected.
 */
export const SAM_EXPECTED: Record<string, Expected> = {
  'serverless-patterns/apigw-cors-proxy.sam.yaml': [
    'OverBroadPermission MyFunctionOptionsPermission',
    'OverBroadPermission MyFunctionPermission',
  ],
  'serverless-patterns/apigw-http-api-lambda.sam.yaml': CLEAN,
  'serverless-patterns/apigw-lambda-authorizer.sam.yaml': CLEAN,
  'serverless-patterns/apigw-lambda-snapstart-autopublishalias.sam.yaml': CLEAN,
  'serverless-patterns/apigw-lambda-tenant-isolation.sam.yaml': CLEAN,
  'serverless-patterns/apigw-websocket-api-lambda-authorizer.sam.yaml': [
    'OverBroadPermission LambdaAuthorizerPermission',
    'OverBroadPermission OnConnectPermission',
    'OverBroadPermission OnDisconnectPermission',
    'OverBroadPermission SendMessagePermission',
  ],
  'serverless-patterns/apigw-websocket-api-lambda.sam.yaml': CLEAN,
  'serverless-patterns/apigw-websocket-connection-dynamodb-mixed.sam.yaml': ['OverBroadPermission DefaultRouteFunctionPermission'],
  'serverless-patterns/cognito-restapi.sam.yaml': CLEAN,
  // `Ref OrderProcessingFunction.Alias` exists only after the transform (AutoPublishAlias).
  'serverless-patterns/lambda-durable-order-processing-alias-openapi.sam.yaml': ['Unverifiable OrderProcessingFunctionInvokePermission'],
  'serverless-patterns/lambda-durable-webhook-alias.sam.yaml': CLEAN,
  'serverless-patterns/websocket-lambda-credentials-iam-grant.sam.yaml': [
    'OverBroadPermission AuthorizerLambdaPermission',
    'OverBroadPermission InvokerLambdaPermission',
  ],
};

export function corpusFiles(pattern: RegExp): string[] {
  const out: string[] = [];
  for (const dir of fs.readdirSync(CORPUS).sort()) {
    const full = path.join(CORPUS, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) if (pattern.test(f)) out.push(`${dir}/${f}`);
  }
  return out;
}

/** Analysis units: multi-file apps under their app key, every other file alone. */
export function units(files: string[]): Array<[string, string[]]> {
  const grouped = new Set(Object.values(APPS).flat());
  return [
    ...files.filter((f) => !grouped.has(f)).map((f): [string, string[]] => [f, [f]]),
    ...Object.entries(APPS),
  ];
}


import { refLabel } from '../facts/function-ref';
import { renderSym } from '../facts/value';
import { listPaths, suggestedSourceArn } from './coverage';
import { coverageFindings } from './coverage-rule';
import { RuleDefinition } from './rule';

export const MissingPermission: RuleDefinition = {
  id: 'ApiGwLambda-MissingPermission',
  defaultSeverity: 'error',
  summary: 'No resource-policy grant lets API Gateway invoke the function the integration or authorizer calls.',
  rationale: 'Without an Allow for apigateway.amazonaws.com on the function, every call fails with 500 '
    + '"Execution failed due to configuration error: Invalid permissions on Lambda function". CloudFormation, L1 '
    + 'constructs, OpenAPI bodies and imported functions do not add it for you.',
  fixable: true,
  plansFixes: true,
  check: (facts) => coverageFindings(facts, 'MissingPermission', (i) => ({
    problem: `${i.invocation.description} of API ${i.invocation.api.label} invokes ${refLabel(i.ref!)} but no resource-policy statement `
      + `lets apigateway.amazonaws.com invoke it (${listPaths(i.paths)}).`,
    fix: `Add an AWS::Lambda::Permission with Principal apigateway.amazonaws.com, FunctionName ${renderSym(i.ref!.value)} and SourceArn `
      + `${suggestedSourceArn(i.paths[0])}.`,
  }), true),
};

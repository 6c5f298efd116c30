import { refLabel } from '../facts/function-ref';
import { listPaths } from './coverage';
import { coverageFindings } from './coverage-rule';
import { RuleDefinition } from './rule';

export const GrantMismatch: RuleDefinition = {
  id: 'ApiGwLambda-GrantMismatch',
  defaultSeverity: 'error',
  summary: 'Grants exist on the invoked reference but none can authorize API Gateway (wrong action, unusable condition, or an explicit Deny).',
  rationale: 'A statement with lambda:InvokeFunctionUrl or GetFunction, a PrincipalOrgID, FunctionUrlAuthType, '
    + 'InvokedViaFunctionUrl or EventSourceToken condition, a SourceAccount other than the API owner, or a matching Deny '
    + 'never lets API Gateway invoke the function.',
  fixable: true,
  plansFixes: true,
  check: (facts) => coverageFindings(facts, 'GrantMismatch', (i) => ({
    problem: `${i.invocation.description} of API ${i.invocation.api.label} invokes ${refLabel(i.ref!)}, but no statement on it can `
      + `authorize API Gateway: ${i.details.join('; ')} (${listPaths(i.paths)}).`,
    // An explicit Deny comes only from an AWS::Lambda::ResourcePolicy, whose findings get their own advice (coverage-rule.ts).
    fix: 'Add a statement with Action lambda:InvokeFunction, Principal apigateway.amazonaws.com and a SourceArn for this API, '
      + 'without those conditions.',
  }), true),
};

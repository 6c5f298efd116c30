import { refLabel } from '../facts/function-ref';
import { renderSym } from '../facts/value';
import { listPaths } from './coverage';
import { coverageFindings } from './coverage-rule';
import { RuleDefinition } from './rule';

export const QualifierMismatch: RuleDefinition = {
  id: 'ApiGwLambda-QualifierMismatch',
  defaultSeverity: 'error',
  summary: 'API Gateway grants exist for the function, but not on the alias/version (or unqualified ARN) the integration invokes.',
  rationale: 'A function, each of its versions and each alias has its own resource policy: a permission on fn does not '
    + 'cover fn:live and vice versa. Lambda cannot attach a policy to $LATEST at all.',
  fixable: true,
  plansFixes: true,
  check: (facts) => coverageFindings(facts, 'QualifierMismatch', (i) => {
    const ref = i.ref!;
    if (ref.qualifierKey === '$LATEST') {
      return {
        problem: `${i.invocation.description} of API ${i.invocation.api.label} invokes ${refLabel(ref)}, and Lambda cannot attach a `
          + 'resource policy to $LATEST.',
        fix: 'Invoke the unqualified function ARN (or an alias/version) and grant that.',
      };
    }
    const invoked = ref.qualifierLabel ? `qualifier '${ref.qualifierLabel}'` : 'the unqualified function';
    return {
      problem: `${i.invocation.description} of API ${i.invocation.api.label} invokes ${invoked} of ${ref.fnLabel}, but `
        + `${i.details.join('; ')} (${listPaths(i.paths)}).`,
      fix: `Add the permission with FunctionName ${renderSym(ref.value)}, the exact reference the ${i.invocation.kind} invokes.`,
    };
  }, true),
};

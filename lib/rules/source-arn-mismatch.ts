import { refLabel } from '../facts/function-ref';
import { suggestedSourceArn } from './coverage';
import { coverageFindings } from './coverage-rule';
import { RuleDefinition } from './rule';

export const SourceArnMismatch: RuleDefinition = {
  id: 'ApiGwLambda-SourceArnMismatch',
  defaultSeverity: 'error',
  summary: 'Grants to API Gateway exist on the invoked reference, but no SourceArn covers this API, stage, method and path.',
  rationale: 'Lambda matches aws:SourceArn with ArnLike, case-sensitively. REST presents the actual verb and the concrete '
    + 'path (so {param} and ANY must be *), HTTP $default routes have two segments after the API id, authorizers use '
    + '…/authorizers/<id>, and every stage that deploys the API must be covered.',
  fixable: true,
  plansFixes: true,
  check: (facts) => coverageFindings(facts, 'SourceArnMismatch', (i) => {
    const shown = i.details.slice(0, 5).join('; ') + (i.details.length > 5 ? `; and ${i.details.length - 5} more` : '');
    return {
      problem: `${i.invocation.description} of API ${i.invocation.api.label} invokes ${refLabel(i.ref!)}, but no grant's SourceArn `
        + `covers ${shown}.`,
      fix: `Add a permission whose SourceArn covers them, e.g. ${suggestedSourceArn(i.paths[0])}.`,
    };
  }, true),
};

import { RuleDefinition, RuleFinding } from './rule';

export const IntegrationHttpMethod: RuleDefinition = {
  id: 'ApiGwLambda-IntegrationHttpMethod',
  defaultSeverity: 'error',
  summary: 'A REST Lambda integration whose IntegrationHttpMethod is not POST.',
  rationale: 'API Gateway calls Lambda\'s Invoke API, which only accepts POST: "For Lambda integrations, you must use the '
    + 'HTTP method of POST for the integration request".',
  fixable: true,
  plansFixes: true,
  check: (facts) => {
    const out: RuleFinding[] = [];
    for (const inv of facts.invocations) {
      const m = inv.integrationHttpMethod;
      if (!m || m.value === 'POST') continue;
      // OpenAPI bodies spell the field `httpMethod` inside x-amazon-apigateway-integration.
      const field = m.site.propertyPath?.endsWith('.httpMethod') ? 'x-amazon-apigateway-integration httpMethod' : 'IntegrationHttpMethod';
      const what = m.value === undefined ? `has no ${field}` : `uses ${field} ${m.value}`;
      out.push({
        site: m.site,
        message: `${inv.description} of API ${inv.api.label} is a Lambda integration that ${what}; Lambda integrations must use POST `
          + `(whatever the method's own verb). Set ${field} to POST.`,
        fix: { kind: 'set-post', invocation: inv, paths: [] },
      });
    }
    return out;
  },
};

import { apiSegment, apiSegmentWild } from '../facts/arn-like';
import { Sym, renderSym } from '../facts/value';
import { RuleDefinition, RuleFinding } from './rule';

export const OverBroadPermission: RuleDefinition = {
  id: 'ApiGwLambda-OverBroadPermission',
  defaultSeverity: 'warning',
  summary: 'A grant to API Gateway (or *) without a SourceArn, with a wildcard API id, or with principal *.',
  rationale: 'Such a statement lets any API Gateway API, in any account, invoke the function (the confused-deputy '
    + 'problem). Scope the SourceArn to this API id.',
  fixable: false,
  plansFixes: false,
  check: (facts) => {
    const out: RuleFinding[] = [];
    const grants = facts.grants;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      // Statements API Gateway can never use (function-URL or org conditions…) are not grants to it.
      if (g.effect !== 'Allow' || g.principal === 'other' || g.orgScoped || !g.invokes || g.blockers.length > 0) continue;
      // The usual grant (API Gateway, one SourceArn with an exact API id) is passed over without allocating.
      if (g.principal !== 'any' && g.sourceArns && !anyWildApi(g.sourceArns)) continue;
      const reasons: string[] = [];
      if (g.principal === 'any') reasons.push('its principal is *');
      if (!g.sourceArns) {
        reasons.push(g.sourceAccount
          ? `it has no SourceArn, so any API in account ${renderSym(g.sourceAccount)} can invoke the function`
          : 'it has no SourceArn, so any API in any account can invoke the function');
      }
      for (const pattern of g.sourceArns ?? []) {
        // Any wildcard in the id (`*`, `a*`, `abc?def`) lets other APIs match too.
        if (apiSegment(pattern)?.wild) {
          reasons.push(`its SourceArn ${renderSym(pattern)} has a wildcard API id`);
        }
      }
      if (reasons.length === 0) continue;
      out.push({
        site: g.site,
        message: `${g.site.logicalId} lets API Gateway invoke ${g.ref ? g.ref.fnLabel : 'a function'} too broadly: ${reasons.join('; ')}. `
          + 'Restrict it with a SourceArn naming the API id (arn:…:execute-api:<region>:<account>:<apiId>/…) and principal apigateway.amazonaws.com.',
      });
    }
    return out;
  },
};

function anyWildApi(patterns: readonly Sym[]): boolean {
  for (let i = 0; i < patterns.length; i++) if (apiSegmentWild(patterns[i])) return true;
  return false;
}

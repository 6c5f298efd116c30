/**
 * Before/after snapshots of representative fixes: every resource the fix added or changed, and
 * the info annotations it left. Nothing may be removed; the only change allowed to an existing
 * resource is IntegrationHttpMethod → POST (which, in an OpenAPI body, also gives the CDK's REST
 * Deployment a new fingerprint).
 */
import { PermissionMode } from '../../lib';
import { ALIAS_MISMATCH, FixableCase, HTTP_ROUTES, OPENAPI_BODY, POST_FIX, REST_AUTHORIZER, REST_L1, WEBSOCKET_ROUTES } from './fix-cases';
import { synth } from './fix-harness';

function diff(c: FixableCase) {
  const before = synth(c.build, {});
  const after = synth(c.build, { props: { mode: PermissionMode.FIX } });
  const out: Record<string, any> = {};
  for (const [i, t] of after.templates.entries()) {
    const old = before.templates[i].template.Resources ?? {};
    const now = t.template.Resources ?? {};
    // The only resource whose logical id may change is a REST Deployment whose fingerprint covers
    // the overridden body: the CDK redeploys the stage so the fix takes effect.
    const redeployed = Object.keys(old).filter((id) => !(id in now));
    for (const id of redeployed) expect(old[id].Type).toBe('AWS::ApiGateway::Deployment');
    for (const [id, r] of Object.entries<any>(now)) {
      if (!(id in old) && r.Type === 'AWS::ApiGateway::Deployment' && redeployed.length) out[`${t.key}/${id} (new deployment id, was ${redeployed.join(', ')})`] = '…';
      else if (!(id in old)) out[`${t.key}/${id} (added)`] = r;
      else if (JSON.stringify(old[id]) !== JSON.stringify(r)) out[`${t.key}/${id} (changed)`] = { before: old[id], after: r };
    }
  }
  return { resources: out, annotations: after.annotations.map((a) => `${a.level} ${a.path}: ${a.message}`) };
}

test.each([REST_L1, ALIAS_MISMATCH, HTTP_ROUTES, WEBSOCKET_ROUTES, REST_AUTHORIZER, OPENAPI_BODY, POST_FIX].map((c) => [c.name, c] as const))(
  'before/after: %s', (_name, c) => {
    expect(diff(c)).toMatchSnapshot();
  });

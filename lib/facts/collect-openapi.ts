import { BuildContext } from './build-context';
import { pushAuthorizer } from './collect-authorizers';
import { restPaths } from './collect-rest';
import { v2Paths } from './collect-v2';
import { looksLikeFunctionArn } from './function-ref';
import { ApiFact, ApiKind, Site } from './model';
import { bodyObject, openApiAuthorizers, openApiOperations } from './openapi';
import { literalOf, resAtom, sampleAtom, symIncludes } from './value';

/**
 * Integrations and authorizers declared in inline OpenAPI bodies (`SpecRestApi`, SAM, HTTP API
 * bodies): nothing adds their permissions (§7.6.2, C51). Bodies read from S3 cannot be checked.
 */
export function collectOpenApiBodies(ctx: BuildContext): void {
  const kinds: Array<[string, ApiKind]> = [['AWS::ApiGateway::RestApi', 'REST'], ['AWS::ApiGatewayV2::Api', 'HTTP']];
  for (const [type, kind] of kinds) {
    for (const { stack, id, r } of ctx.facts.resources(type)) {
      const p = r.Properties ?? {};
      const apiKind = kind === 'HTTP' && literalOf(ctx.ev.str(p.ProtocolType, stack)) === 'WEBSOCKET' ? 'WEBSOCKET' : kind;
      const api = ctx.api([resAtom(stack, id, 'Ref')], stack, apiKind);
      const siteBase: Site = { stack, logicalId: id, resourceType: type };
      if (p.BodyS3Location !== undefined) {
        ctx.facts.unknowables.push({
          site: { ...siteBase, propertyPath: 'BodyS3Location' },
          what: `the OpenAPI definition of ${id} is read from S3 at deploy time, so its Lambda integrations and authorizers cannot be checked`,
          check: 'check by hand that every Lambda it integrates has a permission for this API (or inline the body)',
        });
      }
      if (p.Body === undefined) continue;
      const body = bodyObject(p.Body);
      if (!body) {
        ctx.facts.unknowables.push({
          site: { ...siteBase, propertyPath: 'Body' },
          what: p.Body && typeof p.Body === 'object' && 'Fn::Transform' in p.Body
            ? `the OpenAPI body of ${id} is included at deploy time (Fn::Transform), so its Lambda integrations and authorizers cannot be checked`
            : `the OpenAPI body of ${id} is not a document that can be read statically`,
          check: 'check by hand that every Lambda it integrates has a permission for this API',
        });
        continue;
      }
      collectOperations(ctx, api, body, siteBase, stack);
      for (const a of openApiAuthorizers(body)) {
        const uri = ctx.ev.str(a.authorizer.authorizerUri, stack);
        if (!symIncludes(uri, ':lambda:path/')) continue;
        // The authorizer id is generated at import time: only `authorizers/*` can cover it.
        pushAuthorizer(ctx, api, { ...siteBase, propertyPath: `${a.propertyPath}.authorizerUri` },
          `OpenAPI authorizer ${a.name}`, uri, ctx.credentials(a.authorizer.authorizerCredentials, stack),
          sampleAtom(`authorizer id of ${a.name}`), api.conditions);
      }
    }
  }
}

function collectOperations(ctx: BuildContext, api: ApiFact, body: Record<string, any>, siteBase: Site, stack: string): void {
  const authorizers = new Map(openApiAuthorizers(body).map((a) => [a.name, a]));
  for (const op of openApiOperations(body)) {
    const i = op.integration;
    const type = String(literalOf(ctx.ev.str(i.type, stack)) ?? '').toUpperCase();
    if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
    const uri = ctx.ev.str(i.uri, stack);
    if (!symIncludes(uri, ':lambda:path/') && !looksLikeFunctionArn(uri)) continue;
    const site: Site = { ...siteBase, propertyPath: `${op.propertyPath}.uri` };
    const route = api.kind === 'HTTP' && op.path === '$default' ? '$default' : `${op.method} ${op.path}`;
    const authTypes = op.security.map((n) => (authorizers.get(n)?.authType === 'awsSigv4' ? 'AWS_IAM' : 'CUSTOM'));
    ctx.facts.invocations.push({
      id: ctx.nextId(),
      kind: 'integration',
      api,
      site,
      description: `OpenAPI operation ${route}`,
      uri,
      credentials: ctx.credentials(i.credentials, stack),
      integrationHttpMethod: api.kind === 'REST'
        ? {
          value: i.httpMethod === undefined ? undefined : literalOf(ctx.ev.str(i.httpMethod, stack)) ?? '?',
          site: { ...siteBase, propertyPath: `${op.propertyPath}.httpMethod` },
        }
        : undefined,
      authorizationTypes: authTypes.length ? authTypes : ['NONE'],
      paths: api.kind === 'REST' ? restPaths(ctx, api, uri, op.method, op.path) : v2Paths(ctx, api, uri, route),
      // The body is part of the API resource: its operations exist when the API does.
      conditions: api.conditions,
    });
  }
}

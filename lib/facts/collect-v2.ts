import { BuildContext, executeApiArn, stageLabel } from './build-context';
import type { Res } from './facts';
import { looksLikeFunctionArn } from './function-ref';
import { reportOddIntegrationType, reportUnsettledUri } from './integration-type';
import { ApiFact, InvocationPath, Site } from './model';
import { ResourceAtom, Sym, flat, resAtom, resKey, symIncludes } from './value';

/** HTTP and WebSocket Lambda integrations, one invocation per integration listing all its routes (C44, C47). */
export function collectV2Integrations(ctx: BuildContext): void {
  const routesByIntegration = new Map<string, Res[]>();
  const allRoutes = ctx.facts.resources('AWS::ApiGatewayV2::Route');
  for (let i = 0; i < allRoutes.length; i++) {
    const route = allRoutes[i];
    const target = ctx.ev.str(route.r.Properties?.Target, route.stack);
    const atom = firstResourceAtom(target);
    if (!atom) continue;
    let list = routesByIntegration.get(atom.key);
    if (!list) routesByIntegration.set(atom.key, (list = []));
    list.push(route);
  }
  const integrations = ctx.facts.resources('AWS::ApiGatewayV2::Integration');
  for (let n = 0; n < integrations.length; n++) {
    const { stack, id, r } = integrations[n];
    const p = r.Properties ?? {};
    const type = ctx.ev.literal(p.IntegrationType, stack);
    if (type !== 'AWS' && type !== 'AWS_PROXY') {
      reportOddIntegrationType(ctx, type, p.IntegrationType, () => invokesLambda(ctx, ctx.ev.str(p.IntegrationUri, stack)),
        { stack, logicalId: id, resourceType: r.Type, propertyPath: 'IntegrationType' }, () => ctx.api(ctx.ev.str(p.ApiId, stack), stack, 'HTTP'));
      continue;
    }
    const rawUri = ctx.ev.str(p.IntegrationUri, stack);
    if (!invokesLambda(ctx, rawUri)) {
      // AWS service integrations name their service by IntegrationSubtype and have no IntegrationUri.
      if (p.IntegrationSubtype === undefined && p.IntegrationUri !== undefined) {
        reportUnsettledUri(ctx, rawUri, p.IntegrationUri, { stack, logicalId: id, resourceType: r.Type, propertyPath: 'IntegrationUri' },
          () => ctx.api(ctx.ev.str(p.ApiId, stack), stack, 'HTTP'));
      }
      continue;
    }
    const api = ctx.api(ctx.ev.str(p.ApiId, stack), stack, 'HTTP');
    const routes = routesByIntegration.get(resKey(stack, id, 'Ref')) ?? [];
    if (routes.length === 0) continue;
    const site: Site = { stack, logicalId: id, resourceType: r.Type, propertyPath: 'IntegrationUri' };
    // Arrays at their exact length (the usual integration has one route): the facts keep them all.
    let paths: InvocationPath[] | undefined;
    const authTypes = new Array<string>(routes.length);
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      const key = ctx.ev.literal(route.r.Properties?.RouteKey, route.stack);
      authTypes[i] = ctx.ev.literal(route.r.Properties?.AuthorizationType, route.stack) ?? 'NONE';
      const more = key === undefined
        ? ctx.unresolvedPaths(api, `route ${route.id}`, `the route key of ${route.id} cannot be resolved`)
        : v2Paths(ctx, api, rawUri, key);
      paths = paths ? paths.concat(more) : more;
    }
    const keys = routes.map((x) => ctx.ev.literal(x.r.Properties?.RouteKey, x.stack) ?? x.id).join(', ');
    ctx.facts.invocations.push({
      id: ctx.nextId(),
      kind: 'integration',
      api,
      site,
      description: `${api.kind === 'WEBSOCKET' ? 'WebSocket' : 'HTTP'} integration for ${routes.length === 1 ? 'route' : 'routes'} ${keys}`,
      uri: rawUri,
      credentials: ctx.credentials(p.CredentialsArn, stack),
      authorizationTypes: authTypes,
      paths: paths!,
      conditions: withRouteConditions(ctx, ctx.conditionsOf(stack, r, api), routes),
    });
  }
}

/** An HTTP/WebSocket integration URI of Lambda: the service URI, a function ARN or a `Ref` of a function or alias. */
function invokesLambda(ctx: BuildContext, uri: Sym): boolean {
  return symIncludes(uri, ':lambda:path/') || looksLikeFunctionArn(uri) || ctx.isLambdaRef(uri);
}

/** The integration's conditions and those every one of its routes exists under (a path exists only with its route). */
function withRouteConditions(ctx: BuildContext, own: readonly string[] | undefined, routes: readonly Res[]): readonly string[] | undefined {
  let common: readonly string[] | undefined;
  for (let i = 0; i < routes.length; i++) {
    const keys = ctx.conditionsOf(routes[i].stack, routes[i].r);
    if (!keys) return own;
    common = common ? common.filter((k) => keys.includes(k)) : keys;
  }
  if (!common || common.length === 0) return own;
  return own ? own.concat(common) : common;
}

function firstResourceAtom(v: Sym): ResourceAtom | undefined {
  for (let i = 0; i < v.length; i++) {
    const p = v[i];
    if (typeof p !== 'string' && p.kind === 'res') return p;
  }
  return undefined;
}

/**
 * HTTP: `{api}/{stage}/{METHOD}{route path}` or `{api}/{stage}/$default`; the route path is
 * presented literally, so both `{id}` and `*` match (§3.1). WebSocket: `{api}/{stage}/{routeKey}` (§4).
 */
export function v2Paths(ctx: BuildContext, api: ApiFact, uri: Sym, routeKey: string): InvocationPath[] {
  const out = new Array<InvocationPath>(api.stages.length);
  for (let i = 0; i < api.stages.length; i++) {
    const stage = api.stages[i];
    const target = ctx.resolveTarget(uri, stage);
    let rest: string;
    if (api.kind === 'WEBSOCKET' || routeKey === '$default') rest = routeKey;
    else {
      const sp = routeKey.indexOf(' ');
      rest = sp > 0 ? `${routeKey.slice(0, sp)}${routeKey.slice(sp + 1)}` : routeKey;
    }
    out[i] = {
      stage,
      route: routeKey,
      method: api.kind === 'HTTP' && routeKey !== '$default' ? routeKey.split(' ')[0] : undefined,
      // semantics.md §2.1 [K-L-APIGW]: cross-region SourceArn uses the function's region (undefined: the API's).
      arn: executeApiArn(api, ctx.sourceArnRegion(api, target.ref), stage.name, '/', rest),
      label: flat(`route ${routeKey} on ${stageLabel(stage)}`),
      ...target,
    };
  }
  return out;
}

/** Quick create (`AWS::ApiGatewayV2::Api` with `Target`): the CLI/CloudFormation add no permission (C43). */
export function collectQuickCreate(ctx: BuildContext): void {
  for (const { stack, id, r } of ctx.facts.resources('AWS::ApiGatewayV2::Api')) {
    const p = r.Properties ?? {};
    if (p.Target === undefined) continue;
    const target = ctx.ev.str(p.Target, stack);
    if (!looksLikeFunctionArn(target) && !symIncludes(target, ':lambda:path/') && !ctx.isLambdaRef(target)) continue;
    const api = ctx.api([resAtom(stack, id, 'Ref')], stack, 'HTTP');
    // Quick create's route key defaults to `$default` (§1.2); an unset property evaluates to ''.
    const routeKey = (p.RouteKey === undefined ? undefined : ctx.ev.literal(p.RouteKey, stack)) || '$default';
    ctx.facts.invocations.push({
      id: ctx.nextId(),
      kind: 'integration',
      api,
      site: { stack, logicalId: id, resourceType: r.Type, propertyPath: 'Target' },
      description: `HTTP API quick-create target (route ${routeKey})`,
      uri: target,
      credentials: ctx.credentials(p.CredentialsArn, stack),
      authorizationTypes: ['NONE'],
      paths: v2Paths(ctx, api, target, routeKey),
      conditions: api.conditions,
    });
  }
}

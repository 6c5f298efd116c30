import { BuildContext, executeApiArn, stageLabel } from './build-context';
import { reportOddIntegration, reportOddIntegrationType, reportUnsettledUri, restUriInvokesLambda } from './integration-type';
import { ApiFact, InvocationPath, Site } from './model';
import { Sym, flat, isAtom, literalOf, renderSym, sampleAtom, sym, symIncludes, symKey } from './value';

/** The verbs a REST `ANY` method is invoked with: API Gateway presents the actual verb (semantics.md §2). */
export const REST_VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** REST methods with a Lambda integration (`AWS`/`AWS_PROXY` with a `:lambda:path/` URI). */
export function collectRestMethods(ctx: BuildContext): void {
  const paths = new RestPaths(ctx);
  // Methods of one resource share its path: one ARN path per resource path.
  const arnPaths = new Map<string, Sym>();
  const methods = ctx.facts.resources('AWS::ApiGateway::Method');
  for (let n = 0; n < methods.length; n++) {
    const { stack, id, r } = methods[n];
    const p = r.Properties ?? {};
    const integ = p.Integration;
    const type = integ && typeof integ === 'object' ? ctx.ev.literal(integ.Type, stack) : undefined;
    if (type !== 'AWS' && type !== 'AWS_PROXY') {
      oddRestIntegration(ctx, integ, type, { stack, logicalId: id, resourceType: r.Type }, () => ctx.api(ctx.ev.str(p.RestApiId, stack), stack, 'REST'));
      continue;
    }
    const uri = ctx.ev.str(integ.Uri, stack);
    if (!symIncludes(uri, ':lambda:path/')) {
      reportUnsettledUri(ctx, uri, integ.Uri, { stack, logicalId: id, resourceType: r.Type, propertyPath: 'Integration.Uri' },
        () => ctx.api(ctx.ev.str(p.RestApiId, stack), stack, 'REST'));
      continue;
    }
    const api = ctx.api(ctx.ev.str(p.RestApiId, stack), stack, 'REST');
    const verb = (ctx.ev.literal(p.HttpMethod, stack) ?? '?').toUpperCase();
    const resourceId = ctx.ev.str(p.ResourceId, stack);
    const path = paths.of(resourceId);
    const site: Site = { stack, logicalId: id, resourceType: r.Type, propertyPath: 'Integration.Uri' };
    const route = flat(`${verb} ${path ?? '(unknown path)'}`);
    ctx.facts.invocations.push({
      id: ctx.nextId(),
      kind: 'integration',
      api,
      site,
      description: flat(`REST method ${route}`),
      uri,
      credentials: ctx.credentials(integ.Credentials, stack),
      integrationHttpMethod: {
        value: integ.IntegrationHttpMethod === undefined ? undefined : ctx.ev.literal(integ.IntegrationHttpMethod, stack) ?? '?',
        site: { ...site, propertyPath: 'Integration.IntegrationHttpMethod' },
      },
      authorizationTypes: [ctx.ev.literal(p.AuthorizationType, stack) ?? 'NONE'],
      paths: path === undefined
        ? ctx.unresolvedPaths(api, route, `the method's resource path cannot be resolved: ${paths.breakIn(resourceId)}`)
        : restPaths(ctx, api, uri, verb, path, arnPaths),
      conditions: ctx.conditionsOf(stack, r, api),
    });
  }
}

/** A method that is not a Lambda integration, or one that cannot be read (a string, an intrinsic, an invalid type). */
function oddRestIntegration(ctx: BuildContext, integ: any, type: string | undefined, at: Omit<Site, 'propertyPath'>, api: () => ApiFact): void {
  if (integ === undefined || integ === null) return;
  if (typeof integ !== 'object' || Array.isArray(integ) || integ.Type === undefined) {
    reportOddIntegration(ctx, integ, { ...at, propertyPath: 'Integration' }, api);
  } else {
    reportOddIntegrationType(ctx, type, integ.Type, () => restUriInvokesLambda(ctx, integ.Uri, at.stack), { ...at, propertyPath: 'Integration.Type' }, api);
  }
}

/** REST SourceArn: `{api}/{stage}/{VERB}/{concrete path}`; `{param}` and `{proxy+}` only match `*` (§2). */
export function restPaths(ctx: BuildContext, api: ApiFact, uri: Sym, verb: string, path: string, arnPaths?: Map<string, Sym>): InvocationPath[] {
  const verbs = verb === 'ANY' ? REST_VERBS : [verb];
  let arnPath = arnPaths?.get(path);
  if (!arnPath) {
    arnPath = restArnPath(path);
    arnPaths?.set(path, arnPath);
  }
  // At its exact length: the facts keep every list of paths.
  const out = new Array<InvocationPath>(api.stages.length * verbs.length);
  let n = 0;
  const route = flat(`${verb} ${path}`);
  for (let i = 0; i < api.stages.length; i++) {
    const stage = api.stages[i];
    const target = ctx.resolveTarget(uri, stage);
    // semantics.md §2.1 [K-L-APIGW]: cross-region SourceArn uses the function's region. Once per stage, not
    // per verb; undefined (the API's region, no allocation) unless the function is in another region.
    const region = ctx.sourceArnRegion(api, target.ref);
    const on = stageLabel(stage);
    for (let j = 0; j < verbs.length; j++) {
      const v = verbs[j];
      out[n++] = {
        stage,
        route,
        method: v,
        arn: executeApiArn(api, region, stage.name, '/', v, arnPath),
        label: flat(`${verb === 'ANY' ? `${v} (ANY)` : v} ${path} on ${on}`),
        ...target,
      };
    }
  }
  return out;
}

/** `/items/{id}` → `/items/` + a sample atom; the root is `/` (§2). */
export function restArnPath(path: string): Sym {
  if (path === '/' || path === '') return ['/'];
  const parts: Array<string | Sym[number]> = [];
  for (const seg of path.split('/').slice(1)) {
    parts.push('/');
    const m = /^\{([^}]*)\}$/.exec(seg);
    parts.push(m ? sampleAtom(m[1]) : seg);
  }
  return sym(...parts);
}

/** Full paths of REST resources, memoised: `/` for the root, `/books/{id}` for nested resources. */
class RestPaths {
  private readonly memo = new Map<string, string | undefined>();

  constructor(private readonly ctx: BuildContext) {}

  of(resourceId: Sym): string | undefined {
    // Methods name their resource by its shared `Ref` value: most lookups skip the key.
    const seen = this.bySym.get(resourceId);
    if (seen !== undefined) return seen.path;
    const path = this.ofKey(resourceId);
    this.bySym.set(resourceId, { path });
    return path;
  }

  private readonly bySym = new Map<Sym, { path: string | undefined }>();

  private ofKey(resourceId: Sym): string | undefined {
    const key = symKey(resourceId);
    if (this.memo.has(key)) return this.memo.get(key);
    this.memo.set(key, undefined); // cycle guard
    let result: string | undefined;
    const a = resourceId.length === 1 && isAtom(resourceId[0]) && resourceId[0].kind === 'res' ? resourceId[0] : undefined;
    if (a && a.attr === 'RootResourceId') result = '/';
    else if (a && a.attr === 'Ref') {
      const res = this.ctx.ev.resource(a.stack, a.logicalId);
      if (res?.Type === 'AWS::ApiGateway::Resource') {
        const part = literalOf(this.ctx.ev.str(res.Properties?.PathPart, a.stack));
        const parent = this.of(this.ctx.ev.str(res.Properties?.ParentId, a.stack));
        if (part !== undefined && parent !== undefined) result = parent === '/' ? `/${part}` : `${parent}/${part}`;
      }
    }
    this.memo.set(key, result);
    return result;
  }

  /** Where a resource's parent chain leaves the analysed templates (for the Unverifiable message). */
  breakIn(resourceId: Sym): string {
    let id = resourceId;
    let below = '';
    for (let depth = 0; depth < 64; depth++) {
      const a = id.length === 1 && isAtom(id[0]) && id[0].kind === 'res' ? id[0] : undefined;
      const res = a && a.attr === 'Ref' ? this.ctx.ev.resource(a.stack, a.logicalId) : undefined;
      if (!a || res?.Type !== 'AWS::ApiGateway::Resource') break;
      const part = literalOf(this.ctx.ev.str(res.Properties?.PathPart, a.stack));
      if (part === undefined) return `the PathPart of ${a.logicalId} is not a literal`;
      below = `/${part}${below}`;
      id = this.ctx.ev.str(res.Properties?.ParentId, a.stack);
    }
    const what = literalOf(id) !== undefined ? `resource id '${literalOf(id)}'` : renderSym(id);
    return `${below ? `the parent of ${below}` : 'its resource'} is ${what}, which is not defined in the analysed templates `
      + '(an imported API or resource)';
  }
}

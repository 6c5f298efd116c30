import { Evaluator, isFunctionType } from './evaluate';
import {
  FunctionRef, PhysicalNames, functionFromUri, looksLikeFunctionArn, parseFunctionRef, physicalNameKeys,
} from './function-ref';
import { extractGrants } from './grants';
import { ApiFact, ApiKind, CredentialsMode, Grant, Invocation, InvocationPath, Site, StageFact, Unknowable } from './model';
import { bodyObject, openApiAuthorizers, openApiOperations } from './openapi';
import { CfnResourceJson, StackTemplate } from './template';
import {
  Sym, isAtom, literalOf, renderSym, resAtom, sampleAtom, sym, symIncludes, symKey,
} from './value';

/** The verbs a REST `ANY` method is invoked with: API Gateway presents the actual verb (semantics.md §2). */
export const REST_VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** Credentials value that passes the caller's identity through (semantics.md §0, [K-API-CRED]). */
const CALLER_CREDENTIALS = /^arn:[a-z-]*:iam::\*:user\/\*$/;

interface Res {
  readonly stack: string;
  readonly id: string;
  readonly r: CfnResourceJson;
}

/**
 * Everything the rules need, extracted once per analysis and indexed by function and by API, so
 * that no rule walks templates or constructs (architecture.md "One pipeline").
 */
export class Facts {
  readonly apis = new Map<string, ApiFact>();
  readonly invocations: Invocation[] = [];
  readonly grants: Grant[] = [];
  /** Grants by base function identity (any qualifier). */
  readonly grantsByFunction = new Map<string, Grant[]>();
  /** Invocations by API key. */
  readonly invocationsByApi = new Map<string, Invocation[]>();
  readonly unknowables: Unknowable[] = [];
  /** Base functions the app declares as managed elsewhere (imported with skipPermissions: true). */
  readonly externalFunctions = new Set<string>();
  readonly physicalNames = new Map<string, { stack: string; logicalId: string }>();
  readonly byType = new Map<string, Res[]>();

  constructor(readonly stacks: readonly StackTemplate[], readonly ev: Evaluator) {}

  stack(key: string): StackTemplate | undefined {
    return this.ev.stack(key);
  }

  resources(type: string): readonly Res[] {
    return this.byType.get(type) ?? [];
  }
}

export function buildFacts(stacks: readonly StackTemplate[]): Facts {
  return new FactsBuilder(stacks).build();
}

class FactsBuilder {
  private readonly ev: Evaluator;
  private readonly facts: Facts;
  private readonly restPathMemo = new Map<string, string | undefined>();
  private seq = 0;
  /** Set once every stage resource has been read: an API first seen after that has no stage in the templates. */
  private stagesCollected = false;

  constructor(stacks: readonly StackTemplate[]) {
    this.ev = new Evaluator(stacks);
    this.facts = new Facts(stacks, this.ev);
  }

  build(): Facts {
    const f = this.facts;
    for (const s of f.stacks) {
      for (const [id, r] of Object.entries(s.template.Resources ?? {})) {
        if (!r || typeof r !== 'object' || typeof r.Type !== 'string') continue;
        let list = f.byType.get(r.Type);
        if (!list) f.byType.set(r.Type, (list = []));
        list.push({ stack: s.key, id, r });
        if (isFunctionType(r.Type)) {
          const name = literalOf(this.ev.str(r.Properties?.FunctionName, s.key));
          if (name) {
            for (const k of physicalNameKeys(name, s.account, s.region)) f.physicalNames.set(k, { stack: s.key, logicalId: id });
          }
        }
      }
    }
    this.collectApis();
    this.collectStages();
    this.stagesCollected = true;
    for (const api of f.apis.values()) {
      if (api.stages.length === 0) api.stages.push(UNKNOWN_STAGE);
    }
    this.collectRestMethods();
    this.collectV2Integrations();
    this.collectQuickCreate();
    this.collectAuthorizers();
    this.collectOpenApiBodies();
    for (const s of f.stacks) {
      for (const expr of s.externalFunctions ?? []) {
        const parsed = parseFunctionRef(this.ev.str(expr, s.key), this.ev, f.physicalNames as PhysicalNames);
        if (parsed.ok) f.externalFunctions.add(parsed.ref.fnKey);
      }
    }
    for (const g of extractGrants(f, this.ev, f.physicalNames)) {
      f.grants.push(g);
      if (!g.ref) continue;
      let list = f.grantsByFunction.get(g.ref.fnKey);
      if (!list) f.grantsByFunction.set(g.ref.fnKey, (list = []));
      list.push(g);
    }
    for (const inv of f.invocations) {
      let list = f.invocationsByApi.get(inv.api.key);
      if (!list) f.invocationsByApi.set(inv.api.key, (list = []));
      list.push(inv);
    }
    return f;
  }

  // ---- APIs and stages -------------------------------------------------------------------

  private collectApis(): void {
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGateway::RestApi')) {
      this.api([resAtom(stack, id, 'Ref')], stack, 'REST', { stack, logicalId: id, resourceType: r.Type });
    }
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGatewayV2::Api')) {
      const kind: ApiKind = literalOf(this.ev.str(r.Properties?.ProtocolType, stack)) === 'WEBSOCKET' ? 'WEBSOCKET' : 'HTTP';
      this.api([resAtom(stack, id, 'Ref')], stack, kind, { stack, logicalId: id, resourceType: r.Type });
    }
  }

  /** The API with this id; an API that is not defined in the templates (imported) is created on first use. */
  private api(idSym: Sym, stack: string, kind: ApiKind, site?: Site): ApiFact {
    const key = symKey(idSym);
    const existing = this.facts.apis.get(key);
    if (existing) return existing;
    const home = isAtom(idSym[0]) && idSym.length === 1 && idSym[0].kind === 'res' ? idSym[0].stack : stack;
    const api: ApiFact = {
      key,
      kind,
      id: idSym,
      label: site ? site.logicalId : renderSym(idSym),
      site,
      partition: this.ev.str({ Ref: 'AWS::Partition' }, home),
      region: this.ev.str({ Ref: 'AWS::Region' }, home),
      account: this.ev.str({ Ref: 'AWS::AccountId' }, home),
      // An API only referenced by an integration (imported by id) still has paths to check (C63).
      stages: this.stagesCollected ? [UNKNOWN_STAGE] : [],
    };
    this.facts.apis.set(key, api);
    return api;
  }

  private collectStages(): void {
    const seen = new Set<string>();
    const add = (api: ApiFact, name: Sym, vars: any, stack: string) => {
      const k = `${api.key}|${symKey(name)}`;
      if (seen.has(k) || name.length === 0) return;
      seen.add(k);
      const variables = new Map<string, Sym>();
      if (vars && typeof vars === 'object' && !Array.isArray(vars)) {
        for (const [n, v] of Object.entries(vars)) variables.set(n, this.ev.str(v, stack));
      }
      api.stages.push({ name, label: renderSym(name), variables });
    };
    for (const { stack, r } of this.facts.resources('AWS::ApiGateway::Stage')) {
      const p = r.Properties ?? {};
      add(this.api(this.ev.str(p.RestApiId, stack), stack, 'REST'), this.ev.str(p.StageName, stack), p.Variables, stack);
    }
    for (const { stack, r } of this.facts.resources('AWS::ApiGateway::Deployment')) {
      const p = r.Properties ?? {};
      if (p.StageName === undefined) continue;
      add(this.api(this.ev.str(p.RestApiId, stack), stack, 'REST'), this.ev.str(p.StageName, stack), p.StageDescription?.Variables, stack);
    }
    for (const { stack, r } of this.facts.resources('AWS::ApiGatewayV2::Stage')) {
      const p = r.Properties ?? {};
      const api = this.api(this.ev.str(p.ApiId, stack), stack, 'HTTP');
      add(api, this.ev.str(p.StageName, stack), p.StageVariables, stack);
    }
    // Quick create makes a `$default` stage (semantics.md §1.2).
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGatewayV2::Api')) {
      if (r.Properties?.Target !== undefined) add(this.api([resAtom(stack, id, 'Ref')], stack, 'HTTP'), ['$default'], undefined, stack);
    }
  }

  // ---- REST methods ------------------------------------------------------------------------

  private collectRestMethods(): void {
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGateway::Method')) {
      const p = r.Properties ?? {};
      const integ = p.Integration;
      if (!integ || typeof integ !== 'object') continue;
      const type = literalOf(this.ev.str(integ.Type, stack));
      if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
      const uri = this.ev.str(integ.Uri, stack);
      if (!symIncludes(uri, ':lambda:path/')) continue;
      const api = this.api(this.ev.str(p.RestApiId, stack), stack, 'REST');
      const verb = (literalOf(this.ev.str(p.HttpMethod, stack)) ?? '?').toUpperCase();
      const path = this.restPath(this.ev.str(p.ResourceId, stack));
      const site: Site = { stack, logicalId: id, resourceType: r.Type, propertyPath: 'Integration.Uri' };
      const route = `${verb} ${path ?? '(unknown path)'}`;
      this.facts.invocations.push({
        id: `inv${this.seq++}`,
        kind: 'integration',
        api,
        site,
        description: `REST method ${route}`,
        uri,
        credentials: this.credentials(integ.Credentials, stack),
        integrationHttpMethod: {
          value: integ.IntegrationHttpMethod === undefined ? undefined : literalOf(this.ev.str(integ.IntegrationHttpMethod, stack)) ?? '?',
          site: { ...site, propertyPath: 'Integration.IntegrationHttpMethod' },
        },
        authorizationTypes: [literalOf(this.ev.str(p.AuthorizationType, stack)) ?? 'NONE'],
        paths: path === undefined
          ? this.unresolvedPaths(api, route, `the method's resource path cannot be resolved: ${this.pathBreak(this.ev.str(p.ResourceId, stack))}`)
          : this.restPaths(api, uri, verb, path, stack),
      });
    }
  }

  /** Full path of a REST resource id: `/` for the root, `/books/{id}` for nested resources. */
  private restPath(resourceId: Sym): string | undefined {
    const key = symKey(resourceId);
    if (this.restPathMemo.has(key)) return this.restPathMemo.get(key);
    this.restPathMemo.set(key, undefined); // cycle guard
    let result: string | undefined;
    const a = resourceId.length === 1 && isAtom(resourceId[0]) && resourceId[0].kind === 'res' ? resourceId[0] : undefined;
    if (a && a.attr === 'RootResourceId') result = '/';
    else if (a && a.attr === 'Ref') {
      const res = this.ev.resource(a.stack, a.logicalId);
      if (res?.Type === 'AWS::ApiGateway::Resource') {
        const part = literalOf(this.ev.str(res.Properties?.PathPart, a.stack));
        const parent = this.restPath(this.ev.str(res.Properties?.ParentId, a.stack));
        if (part !== undefined && parent !== undefined) result = parent === '/' ? `/${part}` : `${parent}/${part}`;
      }
    }
    this.restPathMemo.set(key, result);
    return result;
  }

  /** Where a resource's parent chain leaves the analysed templates (for the Unverifiable message). */
  private pathBreak(resourceId: Sym): string {
    let id = resourceId;
    let below = '';
    for (let depth = 0; depth < 64; depth++) {
      const a = id.length === 1 && isAtom(id[0]) && id[0].kind === 'res' ? id[0] : undefined;
      const res = a && a.attr === 'Ref' ? this.ev.resource(a.stack, a.logicalId) : undefined;
      if (!a || res?.Type !== 'AWS::ApiGateway::Resource') break;
      const part = literalOf(this.ev.str(res.Properties?.PathPart, a.stack));
      if (part === undefined) return `the PathPart of ${a.logicalId} is not a literal`;
      below = `/${part}${below}`;
      id = this.ev.str(res.Properties?.ParentId, a.stack);
    }
    const what = literalOf(id) !== undefined ? `resource id '${literalOf(id)}'` : renderSym(id);
    return `${below ? `the parent of ${below}` : 'its resource'} is ${what}, which is not defined in the analysed templates `
      + '(an imported API or resource)';
  }

  /** REST SourceArn: `{api}/{stage}/{VERB}/{concrete path}`; `{param}` and `{proxy+}` only match `*` (§2). */
  private restPaths(api: ApiFact, uri: Sym, verb: string, path: string, stack: string): InvocationPath[] {
    const verbs = verb === 'ANY' ? REST_VERBS : [verb];
    const arnPath = restArnPath(path);
    const out: InvocationPath[] = [];
    for (const stage of api.stages) {
      const target = this.resolveTarget(uri, stage, stack);
      for (const v of verbs) {
        out.push({
          stage,
          route: `${verb} ${path}`,
          method: v,
          arn: executeApiArn(api, sym(stage.name, '/', v, arnPath)),
          label: `${verb === 'ANY' ? `${v} (ANY)` : v} ${path} on ${stageLabel(stage)}`,
          ...target,
        });
      }
    }
    return out;
  }

  // ---- HTTP and WebSocket integrations -----------------------------------------------------

  private collectV2Integrations(): void {
    const routesByIntegration = new Map<string, Res[]>();
    for (const route of this.facts.resources('AWS::ApiGatewayV2::Route')) {
      const target = this.ev.str(route.r.Properties?.Target, route.stack);
      const atom = target.find((p) => isAtom(p) && p.kind === 'res');
      if (!atom || !isAtom(atom)) continue;
      let list = routesByIntegration.get(atom.key);
      if (!list) routesByIntegration.set(atom.key, (list = []));
      list.push(route);
    }
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGatewayV2::Integration')) {
      const p = r.Properties ?? {};
      const type = literalOf(this.ev.str(p.IntegrationType, stack));
      if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
      const rawUri = this.ev.str(p.IntegrationUri, stack);
      if (!symIncludes(rawUri, ':lambda:path/') && !looksLikeFunctionArn(rawUri) && !isLambdaRef(rawUri, this.ev)) continue;
      const api = this.api(this.ev.str(p.ApiId, stack), stack, 'HTTP');
      const routes = routesByIntegration.get(resAtom(stack, id, 'Ref').key) ?? [];
      if (routes.length === 0) continue;
      const site: Site = { stack, logicalId: id, resourceType: r.Type, propertyPath: 'IntegrationUri' };
      const paths: InvocationPath[] = [];
      const authTypes: string[] = [];
      for (const route of routes) {
        const key = literalOf(this.ev.str(route.r.Properties?.RouteKey, route.stack));
        authTypes.push(literalOf(this.ev.str(route.r.Properties?.AuthorizationType, route.stack)) ?? 'NONE');
        if (key === undefined) {
          paths.push(...this.unresolvedPaths(api, `route ${route.id}`, `the route key of ${route.id} cannot be resolved`));
          continue;
        }
        paths.push(...this.v2Paths(api, rawUri, key, stack));
      }
      this.facts.invocations.push({
        id: `inv${this.seq++}`,
        kind: 'integration',
        api,
        site,
        description: `${api.kind === 'WEBSOCKET' ? 'WebSocket' : 'HTTP'} integration for ${routes.length === 1 ? 'route' : 'routes'} ${routes.map((x) => literalOf(this.ev.str(x.r.Properties?.RouteKey, x.stack)) ?? x.id).join(', ')}`,
        uri: rawUri,
        credentials: this.credentials(p.CredentialsArn, stack),
        authorizationTypes: authTypes,
        paths,
      });
    }
  }

  /**
   * HTTP: `{api}/{stage}/{METHOD}{route path}` or `{api}/{stage}/$default`; the route path is
   * presented literally, so both `{id}` and `*` match (§3.1). WebSocket: `{api}/{stage}/{routeKey}` (§4).
   */
  private v2Paths(api: ApiFact, uri: Sym, routeKey: string, stack: string): InvocationPath[] {
    const out: InvocationPath[] = [];
    for (const stage of api.stages) {
      const target = this.resolveTarget(uri, stage, stack);
      let rest: string;
      if (api.kind === 'WEBSOCKET' || routeKey === '$default') rest = routeKey;
      else {
        const sp = routeKey.indexOf(' ');
        rest = sp > 0 ? `${routeKey.slice(0, sp)}${routeKey.slice(sp + 1)}` : routeKey;
      }
      out.push({
        stage,
        route: routeKey,
        method: api.kind === 'HTTP' && routeKey !== '$default' ? routeKey.split(' ')[0] : undefined,
        arn: executeApiArn(api, sym(stage.name, '/', rest)),
        label: `route ${routeKey} on ${stageLabel(stage)}`,
        ...target,
      });
    }
    return out;
  }

  private collectQuickCreate(): void {
    for (const { stack, id, r } of this.facts.resources('AWS::ApiGatewayV2::Api')) {
      const p = r.Properties ?? {};
      if (p.Target === undefined) continue;
      const target = this.ev.str(p.Target, stack);
      if (!looksLikeFunctionArn(target) && !symIncludes(target, ':lambda:path/') && !isLambdaRef(target, this.ev)) continue;
      const api = this.api([resAtom(stack, id, 'Ref')], stack, 'HTTP');
      // Quick create's route key defaults to `$default` (§1.2); an unset property evaluates to ''.
      const routeKey = (p.RouteKey === undefined ? undefined : literalOf(this.ev.str(p.RouteKey, stack))) || '$default';
      this.facts.invocations.push({
        id: `inv${this.seq++}`,
        kind: 'integration',
        api,
        site: { stack, logicalId: id, resourceType: r.Type, propertyPath: 'Target' },
        description: `HTTP API quick-create target (route ${routeKey})`,
        uri: target,
        credentials: this.credentials(p.CredentialsArn, stack),
        authorizationTypes: ['NONE'],
        paths: this.v2Paths(api, target, routeKey, stack),
      });
    }
  }

  // ---- Authorizers ---------------------------------------------------------------------------

  private collectAuthorizers(): void {
    const kinds: Array<[string, string, string, string]> = [
      ['AWS::ApiGateway::Authorizer', 'RestApiId', 'AuthorizerCredentials', 'Type'],
      ['AWS::ApiGatewayV2::Authorizer', 'ApiId', 'AuthorizerCredentialsArn', 'AuthorizerType'],
    ];
    for (const [type, apiProp, credProp, typeProp] of kinds) {
      for (const { stack, id, r } of this.facts.resources(type)) {
        const p = r.Properties ?? {};
        const authType = literalOf(this.ev.str(p[typeProp], stack));
        if (authType === 'COGNITO_USER_POOLS' || authType === 'JWT') continue;
        const uri = this.ev.str(p.AuthorizerUri, stack);
        if (!symIncludes(uri, ':lambda:path/')) continue;
        const api = this.api(this.ev.str(p[apiProp], stack), stack, type.includes('V2') ? 'HTTP' : 'REST');
        this.pushAuthorizer(api, { stack, logicalId: id, resourceType: type, propertyPath: 'AuthorizerUri' },
          `authorizer ${id}`, uri, this.credentials(p[credProp], stack), resAtom(stack, id, 'Ref'), stack);
      }
    }
  }

  /** Authorizer SourceArn: `{api}/authorizers/{authorizerId}`, not a method ARN (§5.1). */
  private pushAuthorizer(api: ApiFact, site: Site, description: string, uri: Sym, credentials: CredentialsMode,
    authorizerId: Sym[number], stack: string): void {
    const arn = executeApiArn(api, sym('authorizers/', authorizerId));
    const stages = symIncludes(uri, '${stageVariables.') ? api.stages : [undefined];
    const paths: InvocationPath[] = stages.map((stage) => ({
      stage,
      route: 'authorizer',
      arn,
      label: `authorizer calls${stage ? ` on ${stageLabel(stage)}` : ''}`,
      ...this.resolveTarget(uri, stage, stack),
    }));
    this.facts.invocations.push({
      id: `inv${this.seq++}`, kind: 'authorizer', api, site, description, uri, credentials, authorizationTypes: [], paths,
    });
  }

  // ---- OpenAPI bodies --------------------------------------------------------------------------

  private collectOpenApiBodies(): void {
    const kinds: Array<[string, ApiKind]> = [['AWS::ApiGateway::RestApi', 'REST'], ['AWS::ApiGatewayV2::Api', 'HTTP']];
    for (const [type, kind] of kinds) {
      for (const { stack, id, r } of this.facts.resources(type)) {
        const p = r.Properties ?? {};
        const apiKind = kind === 'HTTP' && literalOf(this.ev.str(p.ProtocolType, stack)) === 'WEBSOCKET' ? 'WEBSOCKET' : kind;
        const api = this.api([resAtom(stack, id, 'Ref')], stack, apiKind);
        const siteBase: Site = { stack, logicalId: id, resourceType: type };
        if (p.BodyS3Location !== undefined) {
          this.facts.unknowables.push({
            site: { ...siteBase, propertyPath: 'BodyS3Location' },
            what: `the OpenAPI definition of ${id} is read from S3 at deploy time, so its Lambda integrations and authorizers cannot be checked`,
            check: 'check by hand that every Lambda it integrates has a permission for this API (or inline the body)',
          });
        }
        if (p.Body === undefined) continue;
        const body = bodyObject(p.Body);
        if (!body) {
          this.facts.unknowables.push({
            site: { ...siteBase, propertyPath: 'Body' },
            what: p.Body && typeof p.Body === 'object' && 'Fn::Transform' in p.Body
              ? `the OpenAPI body of ${id} is included at deploy time (Fn::Transform), so its Lambda integrations and authorizers cannot be checked`
              : `the OpenAPI body of ${id} is not a document that can be read statically`,
            check: 'check by hand that every Lambda it integrates has a permission for this API',
          });
          continue;
        }
        this.collectOpenApiOperations(api, body, siteBase, stack);
        for (const a of openApiAuthorizers(body)) {
          const uri = this.ev.str(a.authorizer.authorizerUri, stack);
          if (!symIncludes(uri, ':lambda:path/')) continue;
          // The authorizer id is generated at import time: only `authorizers/*` can cover it.
          this.pushAuthorizer(api, { ...siteBase, propertyPath: `${a.propertyPath}.authorizerUri` },
            `OpenAPI authorizer ${a.name}`, uri, this.credentials(a.authorizer.authorizerCredentials, stack),
            sampleAtom(`authorizer id of ${a.name}`), stack);
        }
      }
    }
  }

  private collectOpenApiOperations(api: ApiFact, body: Record<string, any>, siteBase: Site, stack: string): void {
    const authorizers = new Map(openApiAuthorizers(body).map((a) => [a.name, a]));
    for (const op of openApiOperations(body)) {
      const i = op.integration;
      const type = String(literalOf(this.ev.str(i.type, stack)) ?? '').toUpperCase();
      if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
      const uri = this.ev.str(i.uri, stack);
      if (!symIncludes(uri, ':lambda:path/') && !looksLikeFunctionArn(uri)) continue;
      const site: Site = { ...siteBase, propertyPath: `${op.propertyPath}.uri` };
      const route = api.kind === 'HTTP' && op.path === '$default' ? '$default' : `${op.method} ${op.path}`;
      const authTypes = op.security.map((n) => (authorizers.get(n)?.authType === 'awsSigv4' ? 'AWS_IAM' : 'CUSTOM'));
      this.facts.invocations.push({
        id: `inv${this.seq++}`,
        kind: 'integration',
        api,
        site,
        description: `OpenAPI operation ${route}`,
        uri,
        credentials: this.credentials(i.credentials, stack),
        integrationHttpMethod: api.kind === 'REST'
          ? { value: i.httpMethod === undefined ? undefined : literalOf(this.ev.str(i.httpMethod, stack)) ?? '?', site: { ...siteBase, propertyPath: `${op.propertyPath}.httpMethod` } }
          : undefined,
        authorizationTypes: authTypes.length ? authTypes : ['NONE'],
        paths: api.kind === 'REST'
          ? this.restPaths(api, uri, op.method, op.path, stack)
          : this.v2Paths(api, uri, route, stack),
      });
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private credentials(expr: any, stack: string): CredentialsMode {
    if (expr === undefined || expr === null) return { mode: 'none' };
    const v = this.ev.str(expr, stack);
    const lit = literalOf(v);
    if (lit !== undefined && CALLER_CREDENTIALS.test(lit)) return { mode: 'caller' };
    if (v.length >= 2 && v[0] === 'arn:' && symIncludes(v, ':iam::*:user/*')) return { mode: 'caller' };
    return { mode: 'role', role: v };
  }

  /** The invoked reference for one stage: substitutes `${stageVariables.x}` (§1.1), then parses. */
  private resolveTarget(uri: Sym, stage: StageFact | undefined, _stack: string): { ref?: FunctionRef; unresolved?: string } {
    let v = uri;
    if (symIncludes(v, '${stageVariables.')) {
      if (!stage || stage.unknown) {
        return { unresolved: 'the URI uses a stage variable and no stage of this API is in the analysed templates' };
      }
      const missing: string[] = [];
      v = substituteStageVariables(v, (name) => {
        const value = stage.variables.get(name);
        if (!value) missing.push(name);
        return value;
      });
      if (missing.length) {
        return { unresolved: `stage variable '${missing.join("', '")}' is not set on stage '${stage.label}'` };
      }
    }
    const fromUri = functionFromUri(v);
    const fnSym = fromUri ? fromUri.fn : v;
    const parsed = parseFunctionRef(fnSym, this.ev, this.facts.physicalNames as PhysicalNames);
    return parsed.ok ? { ref: parsed.ref } : { unresolved: parsed.reason };
  }

  private unresolvedPaths(api: ApiFact, route: string, reason: string): InvocationPath[] {
    return [{ route, arn: [], label: route, unresolved: reason, stage: api.stages[0] }];
  }
}

/** Stand-in for an API none of whose stages is in the templates: only a `*` stage covers it. */
const UNKNOWN_STAGE: StageFact = {
  name: [sampleAtom('any stage')],
  label: 'any stage',
  variables: new Map(),
  unknown: true,
};

function stageLabel(stage: StageFact): string {
  return stage.unknown ? 'any stage (no stage of this API is in the analysed templates)' : `stage '${stage.label}'`;
}

export function executeApiArn(api: ApiFact, resourceRest: Sym): Sym {
  return sym('arn:', api.partition, ':execute-api:', api.region, ':', api.account, ':', api.id, '/', resourceRest);
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

/**
 * Replaces each `${stageVariables.x}` in the literal text by the stage's value, which may itself be
 * symbolic (`variables: { fn: fn.functionName }` is a `Ref`), so that it resolves to the same
 * identity as a permission naming that function (§1.1 stage variables, C21).
 */
function substituteStageVariables(v: Sym, lookup: (name: string) => Sym | undefined): Sym {
  const out: Array<Sym[number] | Sym> = [];
  const re = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;
  for (const part of v) {
    if (typeof part !== 'string') {
      out.push(part);
      continue;
    }
    let last = 0;
    for (let m = re.exec(part); m; m = re.exec(part)) {
      out.push(part.slice(last, m.index));
      out.push(lookup(m[1]) ?? m[0]);
      last = m.index + m[0].length;
    }
    out.push(part.slice(last));
  }
  return sym(...out);
}

function isLambdaRef(v: Sym, ev: Evaluator): boolean {
  const a = v.length === 1 && isAtom(v[0]) && v[0].kind === 'res' ? v[0] : undefined;
  const t = a ? ev.resource(a.stack, a.logicalId)?.Type : undefined;
  return t === 'AWS::Lambda::Alias' || isFunctionType(t);
}

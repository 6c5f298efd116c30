import { BuildContext } from './build-context';
import { ApiFact, ApiKind } from './model';
import { Sym, renderSym, resAtom, symKey } from './value';

/** Every API resource of the templates (imported APIs are added as integrations reference them). */
export function collectApis(ctx: BuildContext): void {
  for (const { stack, id, r } of ctx.facts.resources('AWS::ApiGateway::RestApi')) {
    ctx.api([resAtom(stack, id, 'Ref')], stack, 'REST', { stack, logicalId: id, resourceType: r.Type });
  }
  for (const { stack, id, r } of ctx.facts.resources('AWS::ApiGatewayV2::Api')) {
    const kind: ApiKind = ctx.ev.literal(r.Properties?.ProtocolType, stack) === 'WEBSOCKET' ? 'WEBSOCKET' : 'HTTP';
    ctx.api([resAtom(stack, id, 'Ref')], stack, kind, { stack, logicalId: id, resourceType: r.Type });
  }
}

/** Every stage that deploys an API, with its variables: each is a separate SourceArn to cover (§2, C10). */
export function collectStages(ctx: BuildContext): void {
  const seen = new Set<string>();
  const add = (api: ApiFact, name: Sym, vars: any, stack: string) => {
    const k = `${api.key}|${symKey(name)}`;
    if (seen.has(k) || name.length === 0) return;
    seen.add(k);
    const variables = new Map<string, Sym>();
    if (vars && typeof vars === 'object' && !Array.isArray(vars)) {
      for (const [n, v] of Object.entries(vars)) variables.set(n, ctx.ev.str(v, stack));
    }
    api.stages.push({ name, label: renderSym(name), variables });
  };
  for (const { stack, r } of ctx.facts.resources('AWS::ApiGateway::Stage')) {
    const p = r.Properties ?? {};
    add(ctx.api(ctx.ev.str(p.RestApiId, stack), stack, 'REST'), ctx.ev.str(p.StageName, stack), p.Variables, stack);
  }
  for (const { stack, r } of ctx.facts.resources('AWS::ApiGateway::Deployment')) {
    const p = r.Properties ?? {};
    if (p.StageName === undefined) continue;
    add(ctx.api(ctx.ev.str(p.RestApiId, stack), stack, 'REST'), ctx.ev.str(p.StageName, stack), p.StageDescription?.Variables, stack);
  }
  for (const { stack, r } of ctx.facts.resources('AWS::ApiGatewayV2::Stage')) {
    const p = r.Properties ?? {};
    add(ctx.api(ctx.ev.str(p.ApiId, stack), stack, 'HTTP'), ctx.ev.str(p.StageName, stack), p.StageVariables, stack);
  }
  // Quick create makes a `$default` stage (semantics.md §1.2).
  for (const { stack, id, r } of ctx.facts.resources('AWS::ApiGatewayV2::Api')) {
    if (r.Properties?.Target !== undefined) add(ctx.api([resAtom(stack, id, 'Ref')], stack, 'HTTP'), ['$default'], undefined, stack);
  }
}

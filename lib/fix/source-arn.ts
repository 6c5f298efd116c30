import { ArnFormat, Stack } from 'aws-cdk-lib';
import { arnComponents, globMatch } from '../facts/arn-like';
import { ApiFact, InvocationPath } from '../facts/model';
import { Sym, isAtom, joinSym, splitSym, sym, symKey } from '../facts/value';
import { FixStageScope } from './stage-scope';
import { ElementIndex, TokenValue, symToToken } from './tokens';

/** A SourceArn pattern: the resource part after `<apiId>/`, wildcards as literal `*`. */
export interface ArnPattern {
  readonly rest: Sym;
  /** The invocation paths it was made for (for messages). */
  readonly paths: InvocationPath[];
}

/**
 * The narrowest pattern that still matches what API Gateway presents on a path at runtime:
 * - REST `{param}`/`{proxy+}` → `*` (the concrete request path is presented, §2.1, C02-C05);
 *   REST `ANY` → `*` (the actual verb is presented, C06/C07); root stays `…/GET/` (C08/C09).
 * - HTTP route paths stay literal (`{id}` is presented as declared, §3.1, C38); `ANY` → `*`;
 *   `$default` keeps its two segments (`<stage>/$default`, C40/C41).
 * - WebSocket `<stage>/<routeKey>` (§4); authorizers `authorizers/<id>` with no stage (§5.1).
 * - The stage is the exact stage name, or `*` for `ALL_STAGES` (or when no stage is known).
 * Undefined when the expected ARN is not of the API (cannot happen for built facts).
 */
export function pathPattern(api: ApiFact, p: InvocationPath, scope: FixStageScope): Sym | undefined {
  const c = arnComponents(p.arn);
  if (c.length !== 6) return undefined;
  const segs = splitSym(c[5], '/');
  if (symKey(segs[0] ?? []) !== symKey(api.id)) return undefined;
  const rest = segs.slice(1).map((s) => s as Sym);
  if (p.route !== 'authorizer') {
    if (scope === FixStageScope.ALL_STAGES || p.stage?.unknown) rest[0] = ['*'];
    const methodRoute = api.kind !== 'WEBSOCKET' && p.route !== '$default';
    if (methodRoute && rest.length > 1 && (p.route.startsWith('ANY ') || p.method === 'ANY')) rest[1] = ['*'];
  }
  return sym(...joinSym(rest, '/').map((x) => (isAtom(x) && x.kind === 'sample' ? '*' : x)));
}

/** An API-wide pattern for a path, used when a function's policy would grow too large (§6.8). */
export function apiWidePattern(api: ApiFact, p: InvocationPath): Sym {
  if (p.route === 'authorizer') return ['authorizers/*'];
  if (api.kind === 'WEBSOCKET') return ['*/*'];
  // `*/*/*` needs three slashes after the id, so it misses the HTTP `$default` route (§3.1, C42).
  if (api.kind === 'HTTP' && p.route === '$default') return ['*/$default'];
  return ['*/*/*'];
}

/** Distinct patterns, dropping any that another one already covers (only `*` wildcards are emitted). */
export function mergePatterns(patterns: readonly ArnPattern[]): ArnPattern[] {
  const byKey = new Map<string, { rest: Sym; paths: InvocationPath[] }>();
  for (const p of patterns) {
    const k = symKey(p.rest);
    const hit = byKey.get(k);
    if (hit) hit.paths.push(...p.paths);
    else byKey.set(k, { rest: p.rest, paths: [...p.paths] });
  }
  const all = [...byKey.values()];
  const kept: ArnPattern[] = [];
  for (const p of all) {
    const cover = all.find((q) => q !== p && globMatch(q.rest, p.rest) && !(globMatch(p.rest, q.rest) && symKey(p.rest) > symKey(q.rest)));
    if (cover) cover.paths.push(...p.paths);
    else kept.push(p);
  }
  return kept.sort((a, b) => (symKey(a.rest) < symKey(b.rest) ? -1 : symKey(a.rest) > symKey(b.rest) ? 1 : 0));
}

/**
 * `arn:<partition>:execute-api:<region>:<account>:<apiId>/<rest>` as CDK tokens: the API id is the
 * API's own `Ref`, and partition/region/account are the API stack's (tokens such as
 * `Aws.REGION` in an environment-agnostic stack), never hard-coded by the fixer, except the region
 * of a function in another region than the API (`fnRegion`, a literal: semantics.md §2.1
 * [K-L-APIGW], a cross-region SourceArn uses the function's region; the account stays the API's).
 */
export function sourceArnToken(scope: Stack, api: ApiFact, rest: Sym, index: ElementIndex, apiStack: Stack | undefined,
  fnRegion?: string): TokenValue | undefined {
  const id = symToToken(api.id, index);
  const resourceName = symToToken(rest, index);
  if (!id || !resourceName) return undefined;
  let env: { partition: string; region: string; account: string };
  if (apiStack) env = { partition: apiStack.partition, region: apiStack.region, account: apiStack.account };
  else {
    const [partition, region, account] = [api.partition, api.region, api.account].map((s) => symToToken(s, index)?.text);
    if (partition === undefined || region === undefined || account === undefined) return undefined;
    env = { partition, region, account };
  }
  if (fnRegion !== undefined) env.region = fnRegion;
  const text = scope.formatArn({
    service: 'execute-api', resource: id.text, resourceName: resourceName.text, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, ...env,
  });
  return { text, refs: [...id.refs, ...resourceName.refs] };
}

import { arnComponents } from './arn-like';
import { impliedConditions } from './conditions';
import { Evaluator, isFunctionType } from './evaluate';
import type { Facts } from './facts';
import { FunctionRef, PhysicalNames, functionFromUri, parseFunctionRef } from './function-ref';
import { ApiFact, ApiKind, CredentialsMode, InvocationPath, Site, StageFact } from './model';
import { CfnResourceJson } from './template';
import {
  Sym, addToSym, beginSym, endSym, isAtom, literalOf, renderSym, sampleAtom, sym, symIncludes, symKey,
} from './value';

/** Credentials value that passes the caller's identity through (semantics.md §0, [K-API-CRED]). */
const CALLER_CREDENTIALS = /^arn:[a-z-]*:iam::\*:user\/\*$/;

/** Stand-in for an API none of whose stages is in the templates: only a `*` stage covers it. */
export const UNKNOWN_STAGE: StageFact = {
  name: [sampleAtom('any stage')],
  label: 'any stage',
  variables: new Map(),
  unknown: true,
};

/** Shared by every invocation without credentials (immutable). */
const NO_CREDENTIALS: CredentialsMode = { mode: 'none' };

/** What every collector shares while facts are built: the APIs seen so far and value resolution. */
export class BuildContext {
  /** Set once every stage resource has been read: an API first seen after that has no stage in the templates. */
  stagesCollected = false;
  private seq = 0;

  constructor(readonly facts: Facts, readonly ev: Evaluator) {}

  nextId(): string {
    return `inv${this.seq++}`;
  }

  /** The API with this id; an API that is not defined in the templates (imported) is created on first use. */
  api(idSym: Sym, stack: string, kind: ApiKind, site?: Site): ApiFact {
    // Every method, integration and route names its API by the same shared `Ref` value: skip the key.
    const known = this.bySym.get(idSym);
    if (known) return known;
    const key = symKey(idSym);
    const existing = this.facts.apis.get(key);
    if (existing) {
      this.bySym.set(idSym, existing);
      return existing;
    }
    const home = isAtom(idSym[0]) && idSym.length === 1 && idSym[0].kind === 'res' ? idSym[0].stack : stack;
    const api: ApiFact = {
      key,
      kind,
      id: idSym,
      label: site ? site.logicalId : renderSym(idSym),
      site,
      partition: this.ev.refValue('AWS::Partition', home),
      region: this.ev.refValue('AWS::Region', home),
      account: this.ev.refValue('AWS::AccountId', home),
      // An API only referenced by an integration (imported by id) still has paths to check (C63).
      stages: this.stagesCollected ? [UNKNOWN_STAGE] : [],
      conditions: site ? this.conditionsOf(site.stack, this.ev.resource(site.stack, site.logicalId)) : undefined,
    };
    this.facts.apis.set(key, api);
    this.bySym.set(idSym, api);
    return api;
  }

  /**
   * Keys of the open resource Conditions under which a resource exists: its own and its API's (a
   * resource cannot outlive the API it references). Undefined, without allocating, when there are none.
   */
  conditionsOf(stack: string, r: CfnResourceJson | undefined, api?: ApiFact): readonly string[] | undefined {
    const own = r ? impliedConditions(this.ev, stack, r) : undefined;
    const inherited = api?.conditions;
    if (!own) return inherited;
    return inherited ? own.concat(inherited) : own;
  }

  /** APIs by id value (an API is never replaced once created, so a value always names the same one). */
  private readonly bySym = new Map<Sym, ApiFact>();

  credentials(expr: any, stack: string): CredentialsMode {
    if (expr === undefined || expr === null) return NO_CREDENTIALS;
    const v = this.ev.str(expr, stack);
    const lit = literalOf(v);
    if (lit !== undefined && CALLER_CREDENTIALS.test(lit)) return { mode: 'caller' };
    if (v.length >= 2 && v[0] === 'arn:' && symIncludes(v, ':iam::*:user/*')) return { mode: 'caller' };
    return { mode: 'role', role: v };
  }

  /** The invoked reference for one stage: substitutes `${stageVariables.x}` (§1.1), then parses. */
  resolveTarget(uri: Sym, stage: StageFact | undefined): { ref?: FunctionRef; unresolved?: string } {
    // No closure here (it would cost every call a context): the substitution is a function of its own.
    const v = symIncludes(uri, '${stageVariables.') ? withStageVariables(uri, stage) : uri;
    if (typeof v === 'string') return { unresolved: v };
    const fromUri = functionFromUri(v);
    const fnSym = fromUri ? fromUri.fn : v;
    const parsed = parseFunctionRef(fnSym, this.ev, this.facts.physicalNames as PhysicalNames);
    return parsed.ok ? { ref: parsed.ref } : { unresolved: parsed.reason };
  }

  /** `crossRegionOf` with this analysis's evaluator: the region a path's SourceArn carries, when not the API's. */
  sourceArnRegion(api: ApiFact, ref: FunctionRef | undefined): Sym | undefined {
    return crossRegionOf(this.ev, api, ref, true);
  }

  unresolvedPaths(api: ApiFact, route: string, reason: string): InvocationPath[] {
    return [{ route, arn: [], label: route, unresolved: reason, stage: api.stages[0] }];
  }

  /** True when the value is a `Ref` of a function or alias (a Lambda target given without an ARN). */
  isLambdaRef(v: Sym): boolean {
    const a = v.length === 1 && isAtom(v[0]) && v[0].kind === 'res' ? v[0] : undefined;
    const t = a ? this.ev.resource(a.stack, a.logicalId)?.Type : undefined;
    return t === 'AWS::Lambda::Alias' || isFunctionType(t);
  }
}

export function stageLabel(stage: StageFact): string {
  return stage.unknown ? 'any stage (no stage of this API is in the analysed templates)' : `stage '${stage.label}'`;
}

/**
 * `arn:<partition>:execute-api:<region>:<account>:<api id>/<rest…>` (the rest given in pieces, built in one go).
 * `region` is the API's unless given (a function in another region, `crossRegionOf`).
 */
export function executeApiArn(api: ApiFact, region: Sym | undefined, ...resourceRest: Array<Sym | Sym[number]>): Sym {
  // `sym('arn:', api.partition, …, api.id, '/', ...resourceRest)`, part by part: no spread per path.
  beginSym();
  addToSym('arn:');
  addAll(api.partition);
  addToSym(':execute-api:');
  addAll(region ?? api.region);
  addToSym(':');
  addAll(api.account);
  addToSym(':');
  addAll(api.id);
  addToSym('/');
  for (let i = 0; i < resourceRest.length; i++) {
    const x = resourceRest[i];
    if (Array.isArray(x)) addAll(x);
    else addToSym(x as Sym[number]);
  }
  return endSym();
}

/**
 * The region of the SourceArn Lambda evaluates when API Gateway calls this function, if it is not
 * the API's: semantics.md §2.1 [K-L-APIGW]: a cross-region SourceArn uses the function's region
 * ("must match the region of the function, not the region of the API", C30); the account stays the
 * API's. Only for a function whose region is a literal; when it equals the API's, undefined. An
 * unknown API region (`AWS::Region` of an environment-agnostic stack) counts as equal unless
 * `apiRegionMayBeUnknown`: the expected ARNs carry the function's region then (it is the SourceArn's
 * wherever the API is), while fix mode keeps writing the API stack's own region token.
 */
export function crossRegionOf(ev: Evaluator, api: ApiFact, ref: FunctionRef | undefined, apiRegionMayBeUnknown = false): Sym | undefined {
  if (!ref) return undefined;
  const apiRegion = literalOf(api.region);
  if (!apiRegion && !apiRegionMayBeUnknown) return undefined;
  const fnRegion = functionRegion(ev, ref);
  return fnRegion && fnRegion[0] !== apiRegion ? fnRegion : undefined;
}

/** `[region]` of a function reference's literal region, or null: one shared value per reference (paths reuse it). */
const fnRegions = new WeakMap<FunctionRef, Sym | null>();

/** The function's literal region: its ARN's, else the region of the stack that defines it. */
function functionRegion(ev: Evaluator, ref: FunctionRef): Sym | null {
  let r = fnRegions.get(ref);
  if (r === undefined) {
    const lit = (ref.region ? literalOf(ref.region) : undefined) || (ref.definedIn ? ev.stack(ref.definedIn.stack)?.region : undefined);
    fnRegions.set(ref, (r = lit ? [lit] : null));
  }
  return r;
}

/**
 * The API's own execute-api ARN for a path (what `execute-api:Invoke` names, in the API's region),
 * from its SourceArn, which carries the function's region for a function in another region.
 */
export function apiArnOf(api: ApiFact, arn: Sym): Sym {
  const c = arnComponents(arn);
  if (c.length !== 6 || symKey(c[3]) === symKey(api.region)) return arn;
  return sym(...c.slice(0, 3).flatMap((x) => [...x, ':']), api.region, ':', c[4], ':', c[5]);
}

function addAll(s: Sym): void {
  for (let i = 0; i < s.length; i++) addToSym(s[i]);
}

/** The URI with the stage's variables substituted, or why it cannot be. */
function withStageVariables(uri: Sym, stage: StageFact | undefined): Sym | string {
  if (!stage || stage.unknown) return 'the URI uses a stage variable and no stage of this API is in the analysed templates';
  const missing: string[] = [];
  const v = substituteStageVariables(uri, (name) => {
    const value = stage.variables.get(name);
    if (!value) missing.push(name);
    return value;
  });
  return missing.length ? `stage variable '${missing.join("', '")}' is not set on stage '${stage.label}'` : v;
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

import { arnComponentLiteral, arnComponents, arnLike, globMatch, hasPseudo, hasWildcard, sourceArnMatches } from '../facts/arn-like';
import type { Facts } from '../facts/build';
import { FunctionRef, refKey } from '../facts/function-ref';
import { statementLabel } from '../facts/grants';
import { ApiFact, Grant, Invocation, InvocationPath } from '../facts/model';
import { OpaqueAtom, SampleAtom, Sym, isAtom, literalOf, renderSym, splitSym, sym, symKey } from '../facts/value';
import { GrantIndex, grantIndex, grantsWhere, pathApiKey } from './grant-index';
import { grantName } from './grant-name';
import { conditionReason, denyConditionReason, existsWith, hasUnknownTargets, unknownTargetReason } from './open-grants';

/** The four precedence steps of rules.md plus "cannot decide". */
export type CoverageRule = 'MissingPermission' | 'QualifierMismatch' | 'GrantMismatch' | 'SourceArnMismatch' | 'Unverifiable';

/** One (invocation, invoked reference, rule) with the paths it leaves uncovered. */
export interface CoverageIssue {
  readonly rule: CoverageRule;
  readonly invocation: Invocation;
  readonly ref?: FunctionRef;
  readonly paths: InvocationPath[];
  /** Per-path or overall explanation (already phrased for the message). */
  readonly details: string[];
}

const memo = new WeakMap<Facts, CoverageIssue[]>();

/**
 * Resource-policy coverage of every invocation path without credentials (rules.md precedence):
 * computed once per analysis and shared by the four rules that report it.
 */
export function coverage(facts: Facts): CoverageIssue[] {
  let result = memo.get(facts);
  if (!result) memo.set(facts, (result = computeCoverage(facts)));
  return result;
}

function computeCoverage(facts: Facts): CoverageIssue[] {
  const issues: CoverageIssue[] = [];
  const memo: Scratch = { apiKeys: new Map(), patterns: new Map() };
  const invocations = facts.invocations;
  for (let n = 0; n < invocations.length; n++) {
    const inv = invocations[n];
    if (inv.credentials.mode !== 'none') continue;
    // The usual case, every path invoking one reference: no grouping needed.
    const one = singleRef(inv.paths);
    if (one) {
      const found = checkReference(facts, inv, one, inv.paths, memo);
      for (let i = 0; i < found.length; i++) issues.push(found[i]);
      continue;
    }
    const groups = new Map<string, { ref?: FunctionRef; unresolved?: string; paths: InvocationPath[] }>();
    for (const p of inv.paths) {
      const k = p.ref ? refKey(p.ref) : `?${p.unresolved}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { ref: p.ref, unresolved: p.unresolved, paths: [] }));
      g.paths.push(p);
    }
    for (const g of groups.values()) {
      if (!g.ref) {
        issues.push({ rule: 'Unverifiable', invocation: inv, paths: g.paths, details: [g.unresolved ?? 'the invoked function cannot be resolved'] });
        continue;
      }
      const found = checkReference(facts, inv, g.ref, g.paths, memo);
      for (const i of found) issues.push(i);
    }
  }
  return issues;
}

/** The grants coverage needs for one function reference, computed once per analysis. */
interface RefGrants {
  /** Allow statements for API Gateway (or *) on the reference's function, any qualifier. */
  readonly forApiGw: Grant[];
  /** …of them, those on exactly this qualifier. */
  readonly onQualifier: Grant[];
  readonly denies: Grant[];
  readonly denySet: ReadonlySet<Grant>;
  readonly index: GrantIndex;
  /** `onQualifier` without `grantProblems`, by the API account (the only invocation input those read). */
  readonly usable: Map<string, Usable>;
  /** No grant has a SourceAccount: usability does not depend on the invocation at all. */
  readonly accountFree: boolean;
}

interface Usable {
  readonly grants: Grant[];
  /** Membership, when usability depends on the API account; otherwise `usableAlone` decides it. */
  readonly set?: ReadonlySet<Grant>;
}

const refGrantsMemo = new WeakMap<Facts, Map<string, RefGrants>>();

function refGrants(facts: Facts, ref: FunctionRef): RefGrants {
  let m = refGrantsMemo.get(facts);
  if (!m) refGrantsMemo.set(facts, (m = new Map()));
  const key = refKey(ref);
  let r = m.get(key);
  if (r) return r;
  const forApiGw = grantsWhere(facts, ref, 'allow-apigw',
    (g) => !!g.ref && g.effect === 'Allow' && (g.principal === 'apigateway' || g.principal === 'any'));
  const onQualifier = grantsWhere(facts, ref, 'allow-apigw-qualifier', (g) => g.ref!.qualifierKey === ref.qualifierKey, forApiGw);
  const denies = grantsWhere(facts, ref, 'deny', (g) => g.effect === 'Deny' && g.ref!.qualifierKey === ref.qualifierKey
    && g.principal !== 'other' && g.invokes && g.blockers.length === 0);
  r = {
    forApiGw, onQualifier, denies, denySet: new Set(denies), index: grantIndex(facts, ref),
    usable: new Map(), accountFree: onQualifier.every((g) => g.sourceAccount === undefined),
  };
  m.set(key, r);
  return r;
}

function usableFor(r: RefGrants, inv: Invocation): Usable {
  const key = r.accountFree ? '' : symKey(inv.api.account);
  let u = r.usable.get(key);
  if (!u) {
    const grants = r.onQualifier.filter((g) => !hasGrantProblem(g, inv));
    r.usable.set(key, (u = { grants, set: r.accountFree ? undefined : new Set(grants) }));
  }
  return u;
}

/** The reference every path invokes (the first path's, as grouping by `refKey` keeps), if they all invoke one. */
function singleRef(paths: readonly InvocationPath[]): FunctionRef | undefined {
  const first = paths[0]?.ref;
  if (!first) return undefined;
  const key = refKey(first);
  for (let i = 1; i < paths.length; i++) {
    const r = paths[i].ref;
    if (!r || (r !== first && refKey(r) !== key)) return undefined;
  }
  return first;
}

/** What one coverage computation works out once and asks again and again. */
interface Scratch {
  /** `pathApiKey` by API. */
  readonly apiKeys: Map<ApiFact, string | undefined>;
  /** SourceArn patterns split for `missReason`: each missed path weighs every grant on its function. */
  readonly patterns: Map<Sym, PatternParts>;
}

interface PatternParts {
  /** `arnComponents(pattern)`. */
  readonly c: Sym[];
  /** `splitSym(c[5], '/')`, once needed. */
  ps?: Sym[];
}

/** `paths` is only read, and copied into an issue: the invocation's own list may be passed. */
function checkReference(facts: Facts, inv: Invocation, ref: FunctionRef, paths: readonly InvocationPath[],
  memo: Scratch): CoverageIssue[] {
  // Lambda cannot attach a policy to $LATEST (§6.5, [K-L-ADDPERM]).
  if (ref.qualifierKey === '$LATEST') {
    return [{ invocation: inv, ref, rule: 'QualifierMismatch', paths: paths.slice(), details: ['$LATEST cannot carry a resource policy'] }];
  }
  const r = refGrants(facts, ref);
  const { forApiGw, onQualifier, denies, denySet, index } = r;
  if (forApiGw.length === 0) {
    const external = externalReason(facts, inv, ref);
    if (external) return [{ invocation: inv, ref, rule: 'Unverifiable', paths: paths.slice(), details: [external] }];
    return unlessUnknownTarget(facts, inv, ref, paths, memo, 'MissingPermission', []);
  }
  if (onQualifier.length === 0) {
    const others = [...new Set(forApiGw.map((g) => (g.ref!.qualifierLabel ? `'${g.ref!.qualifierLabel}'` : 'the unqualified function')))];
    return unlessUnknownTarget(facts, inv, ref, paths, memo, 'QualifierMismatch', [`grants exist only on ${others.join(', ')}`]);
  }
  const u = usableFor(r, inv);
  const usable = u.grants;
  let grantIssues: InvocationPath[] | undefined;
  let grantDetails: Set<string> | undefined;
  let arnIssues: InvocationPath[] | undefined;
  // Paths that miss for the same reason are reported once (an ANY method misses for 7 verbs alike).
  let arnDetails: Map<string, string[]> | undefined;
  let openIssues: InvocationPath[] | undefined;
  let openDetails: Set<string> | undefined;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    // Only the statements that can match this path's API (grant-index.ts): linear, not paths × statements.
    const apiKey = pathApiKey(memo.apiKeys, inv.api, p);
    const candidates = index.candidatesFor(apiKey);
    const deny = denies.length ? firstDeny(candidates, denySet, p, inv) : undefined;
    // A Deny whose Condition the templates do not settle decides nothing for a path that is otherwise covered.
    if (deny && existsWith(deny, inv)) {
      (grantIssues ??= []).push(p);
      (grantDetails ??= new Set()).add(`an explicit Deny in ${grantName(deny, inv, statementLabel(facts.ev, deny))} matches ${p.label}`);
      continue;
    }
    if (usable.length === 0) {
      const open = unknownTargetReason(facts, ref, p, apiKey, covers, inv);
      if (open) {
        (openIssues ??= []).push(p);
        (openDetails ??= new Set()).add(open);
        continue;
      }
      (grantIssues ??= []).push(p);
      grantDetails ??= new Set();
      for (const g of onQualifier) grantDetails.add(`${grantName(g, inv)}: ${grantProblems(g, inv).join('; ')}`);
      continue;
    }
    if (coveredBy(candidates, u, p, inv)) {
      if (deny) {
        (openIssues ??= []).push(p);
        (openDetails ??= new Set()).add(denyConditionReason(deny, inv, p));
      }
      continue;
    }
    // A miss that a deploy-time value could turn into a match is not an error (rules.md Unverifiable).
    const undecided = undecidedMiss(usable, p, inv) ?? unknownTargetReason(facts, ref, p, apiKey, covers, inv);
    if (undecided) {
      (openIssues ??= []).push(p);
      (openDetails ??= new Set()).add(undecided);
      continue;
    }
    (arnIssues ??= []).push(p);
    const why = explainMiss(usable, p, inv, memo.patterns);
    arnDetails ??= new Map();
    arnDetails.set(why, [...(arnDetails.get(why) ?? []), p.label]);
  }
  if (!grantIssues && !arnIssues && !openIssues) return NONE;
  const out: CoverageIssue[] = [];
  if (grantIssues) out.push({ invocation: inv, ref, rule: 'GrantMismatch', paths: grantIssues, details: [...grantDetails!] });
  if (arnIssues) {
    out.push({ invocation: inv, ref, rule: 'SourceArnMismatch', paths: arnIssues,
      details: [...arnDetails!].map(([why, labels]) => `${mergeLabels(labels).join('; ')}: ${why}`) });
  }
  if (openIssues) out.push({ invocation: inv, ref, rule: 'Unverifiable', paths: openIssues, details: [...openDetails!] });
  return out;
}

const NONE: CoverageIssue[] = [];

/**
 * The explicit Deny statements on exactly `ref` that match some of `paths` (rules.md step 3), and
 * the paths none of them matches. For messages: coverage itself stops at the first match per path.
 */
export function matchingDenies(facts: Facts, ref: FunctionRef, paths: readonly InvocationPath[]): { denies: Grant[]; open: InvocationPath[] } {
  const { denies } = refGrants(facts, ref);
  if (denies.length === 0) return { denies: [], open: paths.slice() };
  const hit = new Set<Grant>();
  const open: InvocationPath[] = [];
  for (const p of paths) {
    const matched = denies.filter((g) => covers(g, p));
    matched.forEach((g) => hit.add(g));
    if (matched.length === 0) open.push(p);
  }
  return { denies: denies.filter((g) => hit.has(g)), open };
}

/**
 * `candidates.find((g) => denySet.has(g) && covers(g, p))`, without a closure per path; a Deny that
 * surely exists with the invocation (existsWith) before one under an open Condition.
 */
function firstDeny(candidates: readonly Grant[], denySet: ReadonlySet<Grant>, p: InvocationPath, inv: Invocation): Grant | undefined {
  let open: Grant | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const g = candidates[i];
    if (!denySet.has(g) || !covers(g, p)) continue;
    if (existsWith(g, inv)) return g;
    open ??= g;
  }
  return open;
}

/** Covered by a usable grant that surely exists whenever the path does (a grant under an open Condition: undecidedMiss). */
function coveredBy(candidates: readonly Grant[], usable: Usable, p: InvocationPath, inv: Invocation): boolean {
  const set = usable.set;
  for (let i = 0; i < candidates.length; i++) {
    const g = candidates[i];
    if ((set ? set.has(g) : usableAlone(g)) && existsWith(g, inv) && covers(g, p)) return true;
  }
  return false;
}

/**
 * The issue of a precedence step that leaves every path uncovered (MissingPermission,
 * QualifierMismatch), except for the paths a grant whose function is not known could cover: those
 * are Unverifiable (open-grants.ts).
 */
function unlessUnknownTarget(facts: Facts, inv: Invocation, ref: FunctionRef, paths: readonly InvocationPath[], memo: Scratch,
  rule: CoverageRule, details: string[]): CoverageIssue[] {
  if (!hasUnknownTargets(facts)) return [{ invocation: inv, ref, rule, paths: paths.slice(), details }];
  let open: InvocationPath[] | undefined;
  let openDetails: Set<string> | undefined;
  let rest: InvocationPath[] | undefined;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    const why = unknownTargetReason(facts, ref, p, pathApiKey(memo.apiKeys, inv.api, p), covers, inv);
    if (why) {
      (open ??= []).push(p);
      (openDetails ??= new Set()).add(why);
    } else (rest ??= []).push(p);
  }
  const out: CoverageIssue[] = [];
  if (rest) out.push({ invocation: inv, ref, rule, paths: rest, details });
  if (open) out.push({ invocation: inv, ref, rule: 'Unverifiable', paths: open, details: [...openDetails!] });
  return out;
}

/**
 * Membership in `usable.grants` of a candidate (a grant on the exact reference) when no grant on it
 * has a SourceAccount: in `onQualifier` (an Allow for API Gateway or *) without a grant problem.
 */
function usableAlone(g: Grant): boolean {
  return g.effect === 'Allow' && (g.principal === 'apigateway' || g.principal === 'any') && g.invokes && g.blockers.length === 0;
}

/** `grantProblems(g, inv).length > 0` without building the messages. */
function hasGrantProblem(g: Grant, inv: Invocation): boolean {
  if (!g.invokes || g.blockers.length > 0) return true;
  return g.sourceAccount !== undefined && grantProblems(g, inv).length > 0;
}

/** Why a statement on the right qualifier still cannot authorize API Gateway (rules.md step 3). */
export function grantProblems(g: Grant, inv: Invocation): string[] {
  const out: string[] = [];
  if (!g.invokes) out.push(`action ${g.actionText || '(none)'} does not allow lambda:InvokeFunction`);
  for (const b of g.blockers) out.push(`condition ${b} is never met by API Gateway`);
  if (g.sourceAccount) {
    const acct = literalOf(g.sourceAccount);
    const apiAcct = literalOf(inv.api.account);
    if (acct !== undefined && apiAcct !== undefined && acct !== apiAcct) {
      out.push(`SourceAccount ${acct} is not the API's account ${apiAcct}`);
    } else if (acct !== undefined && apiAcct === undefined && isAtom(inv.api.account[0]) && /^\d{12}$/.test(acct) === false) {
      out.push(`SourceAccount '${acct}' is not an account id`);
    } else if (acct !== undefined && apiAcct === undefined) {
      // The API's account is not known here, but API Gateway sends it as both aws:SourceAccount and the
      // account of aws:SourceArn (semantics.md §2.1, C29): a statement whose SourceArns all name another
      // account than its SourceAccount never matches, whatever account the API is deployed to.
      const other = contradictingArnAccount(g, acct);
      if (other) out.push(`SourceAccount ${acct} contradicts account ${other} in its SourceArn, so it never matches`);
    }
  }
  return out;
}

/** The account every SourceArn of the grant names literally, when it is not `acct` (undefined otherwise). */
function contradictingArnAccount(g: Grant, acct: string): string | undefined {
  let other: string | undefined;
  for (const pattern of g.sourceArns ?? []) {
    const a = arnComponentLiteral(pattern, 4);
    if (a === undefined || !/^\d{12}$/.test(a) || a === acct) return undefined;
    other ??= a;
  }
  return other;
}

/** True when the statement's SourceArn (if any) matches the path (ArnLike, §6.3). */
export function covers(g: Grant, p: InvocationPath): boolean {
  if (!g.sourceArns) return true;
  // Wildcards in region/account fail SourceArn validation at deploy time (§6.3, [K-OPENAPIX-25]).
  for (const pattern of g.sourceArns) if (sourceArnMatches(pattern, p.arn)) return true;
  return false;
}

/**
 * A function not defined in the analysed templates, in another account or an unknown environment:
 * its permission must live elsewhere (rules.md Unverifiable; semantics.md §7.6.3, C53/C54).
 */
function externalReason(facts: Facts, inv: Invocation, ref: FunctionRef): string | undefined {
  if (ref.definedIn) return undefined;
  const fnAcct = ref.account ? literalOf(ref.account) : undefined;
  const apiAcct = literalOf(inv.api.account);
  if (ref.fnKey.startsWith('sym:')) {
    return `the function ${ref.fnLabel} is not defined in the analysed templates`;
  }
  if (fnAcct !== undefined && apiAcct !== undefined && fnAcct !== apiAcct) {
    return `the function is in account ${fnAcct}, not the API's account ${apiAcct}: its permission must be added in that account`;
  }
  if (fnAcct !== undefined && apiAcct === undefined) {
    return `the function is imported from account ${fnAcct} into an environment-agnostic stack: the CDK skips addPermission there (UnclearLambdaEnvironment)`;
  }
  // The user's word that the grant lives elsewhere (semantics.md C54).
  if (facts.externalFunctions.has(ref.fnKey)) {
    return `${ref.fnLabel} is imported with skipPermissions: true, so its permission must exist outside this app`;
  }
  return undefined;
}

/**
 * Why an uncovered path might still be covered once deploy-time values are known, or undefined when
 * the miss is certain. Two unknowns can hide a match (rules.md Unverifiable, "Never silently pass"
 * cuts both ways: an undecidable miss is a warning, not an error):
 * - a SourceArn holding a value the templates do not settle (an unknown `Fn::ImportValue`, an
 *   `Fn::If` whose branches differ, a parameter, an unresolvable `Fn::Sub`/`Fn::FindInMap`): it
 *   could match if that value is read as `*`;
 * - a stage whose name is not known (a parameter, or no stage in the templates): it could match if
 *   the stage has the name the SourceArn gives;
 * - a grant that covers the path under a resource Condition the templates do not settle, unless the
 *   invocation exists under that same condition (open-grants.ts).
 */
function undecidedMiss(grants: readonly Grant[], p: InvocationPath, inv: Invocation): string | undefined {
  const stageAtom = unknownStageAtom(p);
  for (const g of grants) {
    if (!existsWith(g, inv) && covers(g, p)) return conditionReason(g, inv);
    for (const pattern of g.sourceArns ?? []) {
      const opaque = pattern.find((x): x is OpaqueAtom => isAtom(x) && x.kind === 'opaque');
      if (!opaque && !stageAtom) continue;
      const open = opaque ? sym(...pattern.map((x) => (isAtom(x) && x.kind === 'opaque' ? '*' : x))) : pattern;
      // An unknown ARN as a whole (`*` after substitution) could be any ARN.
      const c = arnComponents(open);
      if (c.length === 6) {
        let value = p.arn;
        if (stageAtom) {
          const stage = stageSegment(c);
          if (stage === undefined) continue;
          value = sym(...p.arn.map((x) => (isAtom(x) && x.key === stageAtom.key ? stage : x)));
        }
        if (!(opaque ? arnLike(open, value) : sourceArnMatches(open, value))) continue;
      }
      return opaque
        ? `the SourceArn of ${grantName(g, inv)} depends on ${opaque.reason}, which the analysed templates do not settle`
        : `the stage name is ${p.stage!.unknown ? 'not known (no stage of this API is in the analysed templates)' : renderSym(p.stage!.name)}, `
          + `and ${grantName(g, inv)} covers the path only if the stage is named as its SourceArn says (${renderSym(pattern)})`;
    }
  }
  return undefined;
}

/** The atom standing for the path's stage name when that name is not known statically. */
function unknownStageAtom(p: InvocationPath): OpaqueAtom | SampleAtom | undefined {
  const name = p.stage?.name;
  if (!name || name.length !== 1) return undefined;
  const a = name[0];
  if (!isAtom(a)) return undefined;
  if (a.kind === 'opaque') return a;
  return a.kind === 'sample' && p.stage!.unknown ? a : undefined;
}

function hasOpaque(s: Sym): boolean {
  return s.some((x) => isAtom(x) && x.kind === 'opaque');
}

/** A concrete stage name the stage segment of a pattern's six components (`arnComponents`) matches (`*` read as nothing, `?` as one character). */
function stageSegment(c: readonly Sym[]): string | undefined {
  const seg = literalOf(splitSym(c[5], '/')[1] ?? []);
  return seg?.replace(/\*/g, '').replace(/\?/g, 'x');
}

/** Names the first part of the expected ARN that the closest grant does not cover. */
function explainMiss(grants: Grant[], p: InvocationPath, inv: Invocation, patterns: Map<Sym, PatternParts>): string {
  // The path's side is split once; each pattern's once per coverage computation.
  const vc = arnComponents(p.arn);
  const value = vc.length === 6 ? splitSym(vc[5], '/') : [];
  let best: { g: Grant; why: string; score: number } | undefined;
  for (const g of grants) {
    for (const pattern of g.sourceArns ?? []) {
      let parts = patterns.get(pattern);
      if (!parts) patterns.set(pattern, (parts = { c: arnComponents(pattern) }));
      const r = missReason(parts, value, vc, p, inv);
      if (!best || r.score > best.score) best = { g, why: r.why, score: r.score };
    }
  }
  if (!best) return 'not covered';
  return `${best.why} (closest grant: ${grantName(best.g, inv)}, SourceArn ${renderSym(best.g.sourceArns![0])})`;
}

/** `value`: the path ARN's resource segments; `vc`: its components. */
function missReason(parts: PatternParts, value: Sym[], vc: Sym[], p: InvocationPath, inv: Invocation): { why: string; score: number } {
  const c = parts.c;
  if (c.length !== 6 || literalOf(c[2]) !== 'execute-api') return { why: 'the SourceArn is not an execute-api ARN', score: 0 };
  if (hasWildcard(c[3]) || hasWildcard(c[4])) {
    return { why: 'the SourceArn has a wildcard in its region or account part, which Lambda rejects at deploy time', score: 1 };
  }
  // Cross-account: the SourceArn carries the account that owns the API, not the function's (§2.1, C63).
  // Account first, then region (no loop over a literal list: this runs for every grant a missed path weighs).
  const other = environmentMismatch(c, vc, 4, 'account') ?? regionMismatch(c, vc, inv);
  if (other) return other;
  const ps = parts.ps ??= splitSym(c[5], '/');
  if (!globMatch(ps[0] ?? [], value[0] ?? [])) {
    return { why: `API ${renderSym(ps[0] ?? [])} is not this API (${inv.api.label})`, score: 2 };
  }
  if (p.route === 'authorizer') {
    return { why: literalOf(ps[1] ?? []) === 'authorizers' ? 'authorizer id not covered' : 'authorizer calls use the SourceArn …/authorizers/<id>, not a method ARN', score: 3 };
  }
  // WebSocket grants from the CDK fuse stage and route (`…/*$connect`, §4): name the route key, not the stage.
  const wsTail = inv.api.kind === 'WEBSOCKET' ? literalTail(sym(...ps.slice(1).flatMap((s, i) => (i ? ['/', ...s] : s)))) : undefined;
  if (wsTail !== undefined && !wsTail.includes('/') && !p.route.endsWith(wsTail)) {
    return { why: `route ${p.route} not covered (grant covers route key '${wsTail}')`, score: 5 };
  }
  // A stage either side leaves open is not what decides the miss (undecidedMiss): name what does.
  if (ps.length > 1 && !globMatch(ps[1], value[1] ?? []) && !hasOpaque(ps[1]) && !unknownStageAtom(p)) {
    return { why: `stage '${renderSym(value[1] ?? [])}' not covered (grant covers '${renderSym(ps[1])}')`, score: 4 };
  }
  const last = ps[ps.length - 1];
  if (inv.api.kind === 'HTTP' && p.route === '$default') {
    return { why: `the $default route's SourceArn is {api}/{stage}/$default, so '${renderSym(sym(...ps.slice(1).flatMap((s, i) => (i ? ['/', ...s] : s))))}' after the API id does not match`, score: 5 };
  }
  if (ps.length > 2 && inv.api.kind !== 'WEBSOCKET' && !globMatch(ps[2], value[2] ?? [])) {
    const pm = literalOf(ps[2]);
    if (pm === 'ANY') return { why: 'the method segment is the literal ANY; API Gateway presents the actual verb, so use *', score: 5 };
    // For an ANY method the label names each verb; a verb-free reason lets them share one line.
    if (p.route.startsWith('ANY ')) return { why: `those verbs are not covered (grant covers only ${renderSym(ps[2])})`, score: 5 };
    return { why: `method ${renderSym(value[2] ?? [])} not covered (grant covers ${renderSym(ps[2])})`, score: 5 };
  }
  const patternRest = ps.slice(inv.api.kind === 'WEBSOCKET' ? 2 : 3).map(renderSym).join('/');
  const valueRest = value.slice(inv.api.kind === 'WEBSOCKET' ? 2 : 3).map((s) => renderSym(s)).join('/');
  if (inv.api.kind === 'REST' && /\{[^}]*\}/.test(patternRest)) {
    // Prefer this grant as "closest" when `*` in place of its braces would cover the path (C03).
    const starred = c[5].map((x) => (typeof x === 'string' ? x.replace(/\{[^}]*\}/g, '*') : x));
    const fits = arnLike(sym(...c.slice(0, 5).flatMap((x) => [...x, ':']), ...starred), p.arn);
    return { why: `the SourceArn path /${patternRest} has a literal {parameter}; REST presents the concrete path, so use *`, score: fits ? 7 : 6 };
  }
  if (last && ps.length === 3 && inv.api.kind !== 'WEBSOCKET' && literalOf(last) !== undefined && p.route.endsWith(' /')) {
    return { why: 'the root path needs a trailing slash (…/GET/)', score: 6 };
  }
  return { why: `${inv.api.kind === 'WEBSOCKET' ? 'route' : 'path'} /${valueRest} not covered (grant covers /${patternRest})`, score: 6 };
}

function environmentMismatch(c: Sym[], vc: Sym[], i: number, what: string): { why: string; score: number } | undefined {
  if (vc.length === 6 && !hasPseudo(c[i]) && !hasPseudo(vc[i]) && !globMatch(c[i], vc[i])) {
    return { why: `${what} ${renderSym(c[i])} in the SourceArn is not the ${what} the API presents (${renderSym(vc[i])})`, score: 2 };
  }
  return undefined;
}

/**
 * `environmentMismatch` of the region. The path's region is the function's when it is not the API's
 * (semantics.md §2.1 [K-L-APIGW], C30: a cross-region SourceArn uses the function's region): say so,
 * the CDK writes the API's region there (§7.6.13).
 */
function regionMismatch(c: Sym[], vc: Sym[], inv: Invocation): { why: string; score: number } | undefined {
  const m = environmentMismatch(c, vc, 3, 'region');
  if (!m) return undefined;
  const fnRegion = literalOf(vc[3]);
  const apiRegion = literalOf(inv.api.region);
  // A literal region in the expected ARN of an API whose region is unknown is the function's (crossRegionOf).
  if (fnRegion === undefined || fnRegion === apiRegion) return m;
  const where = apiRegion === undefined ? 'whichever region the API is deployed to' : `the function is in another region than the API (${apiRegion})`;
  return {
    why: `region ${renderSym(c[3])} in the SourceArn is not the function's region ${fnRegion}: ${where}, the SourceArn region `
      + `must be the function's region; the permission itself must be deployed in ${fnRegion}`,
    score: m.score,
  };
}

/** A SourceArn that would cover the path: the expected ARN with path parameters as `*`. */
export function suggestedSourceArn(p: InvocationPath): string {
  const text = renderSym(p.arn.map((x) => (isAtom(x) && x.kind === 'sample' ? '*' : x)));
  const c = arnComponents(p.arn);
  if (!p.route.startsWith('ANY ') || c.length !== 6) return text;
  // A REST ANY method is called with every verb: suggest `*` in the method segment (§2.1, C06/C07).
  const prefix = c.slice(0, 5).map(renderSym).join(':');
  const segs = text.slice(prefix.length + 1).split('/');
  if (segs.length < 3) return text;
  segs[2] = '*';
  return `${prefix}:${segs.join('/')}`;
}

/** `GET /a on stage 'prod'; POST /b on stage 'prod'; and 3 more`. */
export function listPaths(paths: readonly InvocationPath[], max = 5): string {
  const labels = mergeLabels(paths.map((p) => p.label));
  const shown = labels.slice(0, max).join('; ');
  return labels.length > max ? `${shown}; and ${labels.length - max} more` : shown;
}

/** The literal text after the last `*` of a pattern (undefined when it ends in a wildcard or an atom, or has no `*`). */
function literalTail(pattern: Sym): string | undefined {
  const last = pattern[pattern.length - 1];
  // Adjacent literals are merged, so a `*` before an atom leaves the tail non-literal.
  if (typeof last !== 'string' || !last.includes('*')) return undefined;
  const tail = last.slice(last.lastIndexOf('*') + 1);
  return tail === '' ? undefined : tail;
}

/**
 * Unique labels, with the verbs of one REST `ANY` method merged:
 * `GET (ANY) /a on stage 'p'` + `POST (ANY) /a on stage 'p'` → `GET, POST (ANY) /a on stage 'p'`.
 */
export function mergeLabels(labels: readonly string[]): string[] {
  const verbsByRest = new Map<string, string[]>();
  for (const label of new Set(labels)) {
    const m = /^([A-Z]+) (\(ANY\) .+)$/.exec(label);
    const [verb, rest] = m ? [m[1], m[2]] : ['', label];
    verbsByRest.set(rest, [...(verbsByRest.get(rest) ?? []), verb]);
  }
  return [...verbsByRest].map(([rest, verbs]) => (verbs[0] === '' ? rest : `${verbs.join(', ')} ${rest}`));
}

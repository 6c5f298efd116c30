import { hasWildcard } from './arn-like';
import type { Facts } from './build';
import { Evaluator, isFunctionType } from './evaluate';
import { FunctionRef, PhysicalNames, parseFunctionRef, refKey } from './function-ref';
import {
  Decision, IamPrincipal, IamStatement, PrincipalKind, RoleLookup, TrustStatement,
} from './iam-model';
import {
  actionMatches, iamArnMatch, resourceCovered, trustActionMatches, trustPrincipalMatches,
} from './iam-match';
import { Site } from './model';
import { principalValues } from './policy-terms';
import {
  Part, Sym, isAtom, literalOf, pseudoAtom, renderSym, splitSym, sym, symIncludes,
} from './value';

/**
 * IAM identities of the app (roles, users, groups) with their trust and identity policies, for the
 * credentials modes B and C of semantics.md §0: an integration role must be assumable by
 * apigateway.amazonaws.com and allow lambda:InvokeFunction on the exact invoked reference (§6.5);
 * with caller passthrough every caller identity needs that grant.
 *
 * Built once per analysis (memoised on the Facts) and indexed by principal identity: every policy
 * resource is read once and attached to the principals it names, so a rule asks "what does this
 * role allow" without scanning policies.
 */

export type { Decision, IamPrincipal, IamStatement, PrincipalKind, RoleLookup, TrustStatement } from './iam-model';
export { actionMatches, iamArnMatch } from './iam-match';

const memo = new WeakMap<Facts, IamFacts>();

/** The IAM index of an analysis, built on first use. */
export function iamFacts(facts: Facts): IamFacts {
  let r = memo.get(facts);
  if (!r) memo.set(facts, (r = new IamFacts(facts)));
  return r;
}

const ROLE = 'AWS::IAM::Role';
const USER = 'AWS::IAM::User';
const GROUP = 'AWS::IAM::Group';
const MANAGED = 'AWS::IAM::ManagedPolicy';

export class IamFacts {
  readonly roles = new Map<string, IamPrincipal>();
  readonly users = new Map<string, IamPrincipal>();
  /** Roles and users with at least one statement that can allow execute-api:Invoke (caller candidates). */
  readonly executeApiCallers: IamPrincipal[] = [];
  private readonly roleByName = new Map<string, IamPrincipal>();
  private readonly userByName = new Map<string, IamPrincipal>();
  private readonly groupByName = new Map<string, string>();
  private readonly groupStatements = new Map<string, IamStatement[]>();
  private readonly groupOpaque = new Map<string, string[]>();
  private readonly userGroups = new Map<string, Set<string>>();
  /** Statements attached by literal name to roles not defined in the app. */
  private readonly externalRoleStatements = new Map<string, IamStatement[]>();
  private readonly managed = new Map<string, { statements: IamStatement[]; name?: string }>();
  private readonly managedByName = new Map<string, string>();
  private readonly ev: Evaluator;
  private readonly names: PhysicalNames;

  constructor(private readonly facts: Facts) {
    this.ev = facts.ev;
    this.names = facts.physicalNames;
    this.collectPrincipals();
    this.collectManagedPolicies();
    this.collectInlineAndManagedArns();
    this.collectPolicyResources();
    this.collectGroupMemberships();
    this.mergeGroups();
    for (const p of [...this.roles.values(), ...this.users.values()]) {
      if (p.statements.some((s) => s.effect === 'Allow' && actionMatches(s, 'execute-api:invoke'))) this.executeApiCallers.push(p);
    }
  }

  // ---- lookups ---------------------------------------------------------------------------------

  /**
   * The role a `Credentials` / `CredentialsArn` / `AuthorizerCredentials` value names: `GetAtt R.Arn`,
   * `Ref R`, or an ARN (literal or built with Sub/Join) whose role name is an app role's literal
   * `RoleName` or a Ref to the role.
   */
  resolveRole(value: Sym): RoleLookup {
    const label = renderSym(value);
    const single = value.length === 1 && isAtom(value[0]) && value[0].kind === 'res' ? value[0] : undefined;
    if (single) {
      const role = this.roles.get(`role:${single.stack}|${single.logicalId}`);
      return { role, label: role ? role.label : label, attachedByName: [] };
    }
    const name = roleNameOf(value);
    if (name === undefined) return { label, attachedByName: [] };
    if (typeof name !== 'string') {
      const role = name.kind === 'res' ? this.roles.get(`role:${name.stack}|${name.logicalId}`) : undefined;
      return { role, label: role ? role.label : label, attachedByName: [] };
    }
    const role = this.roleByName.get(name);
    const acct = literalOf(splitSym(value, ':')[4] ?? []);
    const roleAcct = role ? literalOf(role.account) : undefined;
    // A literal ARN in another account is another role, whatever its name.
    if (role && !(acct && roleAcct && acct !== roleAcct)) return { role, label: role.label, attachedByName: [] };
    return { label, attachedByName: this.externalRoleStatements.get(name) ?? [] };
  }

  /** Evaluates `action` on a resource for a principal (identity policies, explicit Deny, boundary). */
  decide(p: Pick<IamPrincipal, 'statements' | 'boundary'>, action: string, resourceMatches: (pattern: Sym) => boolean): Decision {
    const a = action.toLowerCase();
    const applies = (s: IamStatement) => actionMatches(s, a) && resourceCovered(s, resourceMatches);
    const allows = p.statements.filter((s) => s.effect === 'Allow' && applies(s));
    // A Deny in the permissions boundary denies as one in an identity policy does.
    const all = p.boundary && 'statements' in p.boundary ? [...p.statements, ...p.boundary.statements] : p.statements;
    const denies = all.filter((s) => s.effect === 'Deny' && !s.conditional && applies(s));
    const conditionalDenies = all.filter((s) => s.effect === 'Deny' && s.conditional && applies(s));
    let boundaryBlocks = false;
    if (p.boundary && 'statements' in p.boundary) {
      boundaryBlocks = !p.boundary.statements.some((s) => s.effect === 'Allow' && applies(s));
    }
    return { allowed: allows.length > 0 && denies.length === 0 && !boundaryBlocks, allows, denies, conditionalDenies, boundaryBlocks };
  }

  /** True when the role's trust policy lets apigateway.amazonaws.com call sts:AssumeRole (semantics.md §0 mode B). */
  trustsApiGateway(role: IamPrincipal): boolean {
    const hits = (t: TrustStatement) => trustActionMatches(t) && trustPrincipalMatches(t);
    return role.trust.some((t) => t.effect === 'Allow' && hits(t)) && !role.trust.some((t) => t.effect === 'Deny' && hits(t));
  }

  /** Who the trust policy lets assume the role, for messages. */
  trustedPrincipals(role: IamPrincipal): string[] {
    return [...new Set(role.trust.filter((t) => t.effect === 'Allow' && trustActionMatches(t)).flatMap((t) => t.principals))];
  }

  /** Matcher for `lambda:InvokeFunction` resource patterns against one invoked reference (§6.5, [K-L-IDPOL]). */
  functionMatcher(ref: FunctionRef): (pattern: Sym) => boolean {
    const canonical = this.canonicalFunctionArn(ref);
    return (pattern) => this.functionPatternMatches(pattern, ref, canonical);
  }

  /**
   * Allow statements of `p` that grant lambda:InvokeFunction on the same function under another
   * qualifier than `ref` (the C34 "wrong qualifier" case), rendered for messages.
   */
  otherQualifierGrants(p: Pick<IamPrincipal, 'statements'>, ref: FunctionRef): string[] {
    const out = new Set<string>();
    for (const s of p.statements) {
      if (s.effect !== 'Allow' || !actionMatches(s, 'lambda:invokefunction')) continue;
      for (const pattern of s.resources ?? []) {
        const last = pattern[pattern.length - 1];
        const qualifiedWildcard = typeof last === 'string' && last.endsWith(':*');
        const base = qualifiedWildcard ? sym(...pattern.slice(0, -1), (last as string).slice(0, -2)) : pattern;
        if (hasWildcard(base)) continue;
        const parsed = parseFunctionRef(base, this.ev, this.names);
        if (!parsed.ok || parsed.ref.fnKey !== ref.fnKey) continue;
        const q = qualifiedWildcard ? '*' : parsed.ref.qualifierKey;
        if (q === ref.qualifierKey || (q === '*' && ref.qualifierKey !== '')) continue;
        out.add(qualifiedWildcard ? 'qualified ARNs (arn:*)' : parsed.ref.qualifierLabel ? `':${parsed.ref.qualifierLabel}'` : 'the unqualified ARN');
      }
    }
    return [...out];
  }

  // ---- matching --------------------------------------------------------------------------------

  /**
   * IAM Resource matching for a function reference. Identity first (any spelling of the same
   * function and qualifier: ARN, GetAtt, Ref of an alias), then `arn:*` (qualified only: "`:*` …
   * accepts any qualified ARN but denies … the unqualified ARN" [K-L-IDPOL]), then a plain glob
   * where `*` also spans colons (`myFunction*` accepts any).
   */
  private functionPatternMatches(pattern: Sym, ref: FunctionRef, canonical: Sym): boolean {
    const lit = literalOf(pattern);
    if (lit === '*') return true;
    const last = pattern[pattern.length - 1];
    if (typeof last === 'string' && last.endsWith(':*') && !hasWildcard(sym(...pattern.slice(0, -1), last.slice(0, -2)))) {
      const base = parseFunctionRef(sym(...pattern.slice(0, -1), last.slice(0, -2)), this.ev, this.names);
      if (base.ok && base.ref.qualifierKey === '') return base.ref.fnKey === ref.fnKey && ref.qualifierKey !== '';
    }
    if (!hasWildcard(pattern)) {
      const parsed = parseFunctionRef(pattern, this.ev, this.names);
      return parsed.ok && refKey(parsed.ref) === refKey(ref);
    }
    return iamArnMatch(pattern, canonical);
  }

  /** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`, physical name when literal. */
  private canonicalFunctionArn(ref: FunctionRef): Sym {
    let v = ref.value;
    if (literalOf(splitSym(v, ':')[0] ?? []) !== 'arn') {
      const seg = splitSym(v, ':');
      const rest = literalOf(seg[1] ?? []) === 'function' ? seg.slice(2) : seg;
      const acct = literalOf(seg[1] ?? []) === 'function' ? seg[0] : [pseudoAtom('AWS::AccountId')];
      v = sym('arn:', pseudoAtom('AWS::Partition'), ':lambda:', pseudoAtom('AWS::Region'), ':', acct, ':function:',
        ...rest.flatMap((s, i) => (i ? [':', ...s] : [...s])));
    }
    return sym(...v.map((p) => {
      if (isAtom(p) && p.kind === 'res' && p.attr === 'Ref') {
        const r = this.ev.resource(p.stack, p.logicalId);
        const name = isFunctionType(r?.Type) ? literalOf(this.ev.str(r?.Properties?.FunctionName, p.stack)) : undefined;
        if (name) return name;
      }
      return p;
    }));
  }

  // ---- collection ------------------------------------------------------------------------------

  private collectPrincipals(): void {
    for (const [type, kind] of [[ROLE, 'role'], [USER, 'user']] as const) {
      for (const { stack, id, r } of this.facts.resources(type)) {
        const p = r.Properties ?? {};
        const name = literalOf(this.ev.str(kind === 'role' ? p.RoleName : p.UserName, stack)) || undefined;
        const principal: IamPrincipal = {
          kind,
          key: `${kind}:${stack}|${id}`,
          site: { stack, logicalId: id, resourceType: type },
          label: name && name !== id ? `${id} (${name})` : id,
          name,
          account: this.ev.str({ Ref: 'AWS::AccountId' }, stack),
          statements: [],
          opaquePolicies: [],
          trust: kind === 'role' ? this.trustStatements(p.AssumeRolePolicyDocument, stack) : [],
        };
        (kind === 'role' ? this.roles : this.users).set(principal.key, principal);
        if (name) (kind === 'role' ? this.roleByName : this.userByName).set(name, principal);
      }
    }
    for (const { stack, id, r } of this.facts.resources(GROUP)) {
      const key = `group:${stack}|${id}`;
      this.groupStatements.set(key, []);
      this.groupOpaque.set(key, []);
      const name = literalOf(this.ev.str(r.Properties?.GroupName, stack));
      if (name) this.groupByName.set(name, key);
    }
  }

  private collectManagedPolicies(): void {
    for (const { stack, id, r } of this.facts.resources(MANAGED)) {
      const p = r.Properties ?? {};
      const site: Site = { stack, logicalId: id, resourceType: MANAGED };
      const name = literalOf(this.ev.str(p.ManagedPolicyName, stack)) || undefined;
      const statements = this.policyStatements(p.PolicyDocument, stack, `${MANAGED} ${id}`, site);
      const key = `managed:${stack}|${id}`;
      this.managed.set(key, { statements, name });
      if (name) this.managedByName.set(name, key);
      this.attach(p.Roles, p.Users, p.Groups, stack, statements);
    }
  }

  /** Inline `Policies`, `ManagedPolicyArns` and `PermissionsBoundary` of roles, users and groups. */
  private collectInlineAndManagedArns(): void {
    for (const type of [ROLE, USER, GROUP]) {
      for (const { stack, id, r } of this.facts.resources(type)) {
        const p = r.Properties ?? {};
        const site: Site = { stack, logicalId: id, resourceType: type };
        const statements: IamStatement[] = [];
        const opaque: string[] = [];
        (Array.isArray(p.Policies) ? p.Policies : []).forEach((pol: any, i: number) => {
          const pname = literalOf(this.ev.str(pol?.PolicyName, stack)) ?? String(i);
          statements.push(...this.policyStatements(pol?.PolicyDocument, stack, `inline policy ${pname} of ${id}`,
            { ...site, propertyPath: `Policies.${i}` }));
        });
        for (const arn of this.ev.strings(p.ManagedPolicyArns, stack)) {
          const m = this.managedPolicy(arn);
          if ('statements' in m) statements.push(...m.statements);
          else opaque.push(m.opaque);
        }
        if (type === GROUP) {
          this.groupStatements.get(`group:${stack}|${id}`)!.push(...statements);
          this.groupOpaque.get(`group:${stack}|${id}`)!.push(...opaque);
          continue;
        }
        const principal = (type === ROLE ? this.roles : this.users).get(`${type === ROLE ? 'role' : 'user'}:${stack}|${id}`)!;
        principal.statements.push(...statements);
        principal.opaquePolicies.push(...opaque);
        if (p.PermissionsBoundary !== undefined) {
          const b = this.managedPolicy(this.ev.str(p.PermissionsBoundary, stack));
          (principal as { boundary?: IamPrincipal['boundary'] }).boundary = b;
        }
        if (type === USER) {
          for (const g of this.ev.strings(p.Groups, stack)) this.addUserGroup(principal.key, g);
        }
      }
    }
  }

  /** `AWS::IAM::Policy` (Roles/Users/Groups) and the single-principal RolePolicy/UserPolicy/GroupPolicy. */
  private collectPolicyResources(): void {
    for (const { stack, id, r } of this.facts.resources('AWS::IAM::Policy')) {
      const p = r.Properties ?? {};
      const st = this.policyStatements(p.PolicyDocument, stack, `AWS::IAM::Policy ${id}`, { stack, logicalId: id, resourceType: r.Type });
      this.attach(p.Roles, p.Users, p.Groups, stack, st);
    }
    const single: Array<[string, string, 'Roles' | 'Users' | 'Groups']> = [
      ['AWS::IAM::RolePolicy', 'RoleName', 'Roles'], ['AWS::IAM::UserPolicy', 'UserName', 'Users'], ['AWS::IAM::GroupPolicy', 'GroupName', 'Groups'],
    ];
    for (const [type, prop, list] of single) {
      for (const { stack, id, r } of this.facts.resources(type)) {
        const p = r.Properties ?? {};
        const st = this.policyStatements(p.PolicyDocument, stack, `${type} ${id}`, { stack, logicalId: id, resourceType: type });
        const names = p[prop] === undefined ? undefined : [p[prop]];
        this.attach(list === 'Roles' ? names : undefined, list === 'Users' ? names : undefined, list === 'Groups' ? names : undefined, stack, st);
      }
    }
  }

  private collectGroupMemberships(): void {
    for (const { stack, r } of this.facts.resources('AWS::IAM::UserToGroupAddition')) {
      const p = r.Properties ?? {};
      const group = this.ev.str(p.GroupName, stack);
      for (const u of this.ev.strings(p.Users, stack)) {
        const user = this.principalKey(u, 'user');
        if (user) this.addUserGroup(user, group);
      }
    }
  }

  private mergeGroups(): void {
    for (const [user, groups] of this.userGroups) {
      const principal = this.users.get(user);
      if (!principal) continue;
      for (const g of groups) {
        principal.statements.push(...(this.groupStatements.get(g) ?? []));
        principal.opaquePolicies.push(...(this.groupOpaque.get(g) ?? []));
      }
    }
  }

  private addUserGroup(userKey: string, group: Sym): void {
    const g = this.groupKey(group);
    if (!g) return;
    let set = this.userGroups.get(userKey);
    if (!set) this.userGroups.set(userKey, (set = new Set()));
    set.add(g);
  }

  private attach(roles: any, users: any, groups: any, stack: string, st: IamStatement[]): void {
    for (const v of this.ev.strings(roles, stack)) {
      const key = this.principalKey(v, 'role');
      if (key) this.roles.get(key)!.statements.push(...st);
      else {
        const lit = literalOf(v);
        if (lit) {
          let list = this.externalRoleStatements.get(lit);
          if (!list) this.externalRoleStatements.set(lit, (list = []));
          list.push(...st);
        }
      }
    }
    for (const v of this.ev.strings(users, stack)) {
      const key = this.principalKey(v, 'user');
      if (key) this.users.get(key)!.statements.push(...st);
    }
    for (const v of this.ev.strings(groups, stack)) {
      const key = this.groupKey(v);
      if (key) this.groupStatements.get(key)!.push(...st);
    }
  }

  /** `Ref R` (a name) or a literal name → key of an app role/user. */
  private principalKey(v: Sym, kind: PrincipalKind): string | undefined {
    const type = kind === 'role' ? ROLE : USER;
    if (v.length === 1 && isAtom(v[0]) && v[0].kind === 'res') {
      const a = v[0];
      return this.ev.resource(a.stack, a.logicalId)?.Type === type ? `${kind}:${a.stack}|${a.logicalId}` : undefined;
    }
    const lit = literalOf(v);
    const hit = lit ? (kind === 'role' ? this.roleByName : this.userByName).get(lit) : undefined;
    return hit?.key;
  }

  private groupKey(v: Sym): string | undefined {
    if (v.length === 1 && isAtom(v[0]) && v[0].kind === 'res') {
      const a = v[0];
      return this.ev.resource(a.stack, a.logicalId)?.Type === GROUP ? `group:${a.stack}|${a.logicalId}` : undefined;
    }
    const lit = literalOf(v);
    return lit ? this.groupByName.get(lit) : undefined;
  }

  /** An entry of ManagedPolicyArns: an app-defined policy (Ref, or ARN by name), a known AWS managed policy, or opaque. */
  private managedPolicy(arn: Sym): { statements: IamStatement[] } | { opaque: string } {
    if (arn.length === 1 && isAtom(arn[0]) && arn[0].kind === 'res') {
      const hit = this.managed.get(`managed:${arn[0].stack}|${arn[0].logicalId}`);
      if (hit) return { statements: hit.statements };
    }
    const text = renderSym(arn);
    const at = text.indexOf(':policy/');
    if (at < 0) return { opaque: text };
    const path = text.slice(at + ':policy/'.length);
    const account = literalOf(splitSym(arn, ':')[4] ?? []);
    if (account === 'aws') {
      const known = AWS_MANAGED[path] ?? AWS_MANAGED[path.split('/').pop()!];
      if (known) {
        return { statements: known.map((s) => ({ ...s, conditional: false, source: `AWS managed policy ${path}` })) };
      }
      return { opaque: `AWS managed policy ${path}` };
    }
    const own = this.managedByName.get(path.split('/').pop()!);
    if (own) return { statements: this.managed.get(own)!.statements };
    return { opaque: `managed policy ${text}` };
  }

  private policyStatements(doc: any, stack: string, source: string, site: Site): IamStatement[] {
    return statementsOf(doc, this.ev, stack).map((st, index) => ({
      effect: st?.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: st?.Action !== undefined ? this.lowerList(st.Action, stack) : undefined,
      notActions: st?.Action === undefined && st?.NotAction !== undefined ? this.lowerList(st.NotAction, stack) : undefined,
      resources: st?.NotResource !== undefined && st?.Resource === undefined ? undefined : this.ev.strings(st?.Resource ?? '*', stack),
      notResources: st?.NotResource !== undefined && st?.Resource === undefined ? this.ev.strings(st.NotResource, stack) : undefined,
      conditional: st?.Condition !== undefined && Object.keys(st.Condition ?? {}).length > 0,
      source,
      site,
      index,
      sid: typeof st?.Sid === 'string' && st.Sid ? st.Sid : undefined,
    }));
  }

  private trustStatements(doc: any, stack: string): TrustStatement[] {
    return statementsOf(doc, this.ev, stack).map((st) => {
      const notPrincipal = st?.NotPrincipal !== undefined && st?.Principal === undefined;
      return {
        effect: st?.Effect === 'Deny' ? 'Deny' : 'Allow',
        actions: st?.Action !== undefined ? this.lowerList(st.Action, stack) : undefined,
        notActions: st?.Action === undefined && st?.NotAction !== undefined ? this.lowerList(st.NotAction, stack) : undefined,
        principals: principalValues(notPrincipal ? st.NotPrincipal : st?.Principal, this.ev, stack),
        notPrincipal,
      };
    });
  }

  private lowerList(v: any, stack: string): string[] {
    return this.ev.strings(v, stack).map((s) => renderSym(s).toLowerCase());
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

/** `AWS::IAM::Policy RoleDefaultPolicy1234 (Statement[1], Sid 'NoInvoke')`: a statement as messages name it. */
export function iamStatementLabel(s: IamStatement): string {
  if (s.index === undefined) return s.source;
  return `${s.source} (Statement[${s.index}]${s.sid ? `, Sid '${s.sid}'` : ''})`;
}

/** AWS managed policies whose effect on our two actions is known; others are reported as unreadable. */
const AWS_MANAGED: Record<string, Array<Pick<IamStatement, 'effect' | 'actions' | 'notActions' | 'resources'>>> = {
  'AdministratorAccess': [{ effect: 'Allow', actions: ['*'], resources: [['*']] }],
  'PowerUserAccess': [{ effect: 'Allow', notActions: ['iam:*', 'organizations:*', 'account:*'], resources: [['*']] }],
  'AWSLambda_FullAccess': [{ effect: 'Allow', actions: ['lambda:*'], resources: [['*']] }],
  'AWSLambdaFullAccess': [{ effect: 'Allow', actions: ['lambda:*'], resources: [['*']] }],
  'service-role/AWSLambdaRole': [{ effect: 'Allow', actions: ['lambda:invokefunction'], resources: [['*']] }],
  'AmazonAPIGatewayInvokeFullAccess': [{ effect: 'Allow', actions: ['execute-api:invoke', 'execute-api:manageconnections'], resources: [['arn:aws:execute-api:*:*:*']] }],
  // Common execution-role policies: they grant neither lambda:InvokeFunction nor execute-api:Invoke.
  'service-role/AWSLambdaBasicExecutionRole': [],
  'service-role/AWSLambdaVPCAccessExecutionRole': [],
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs': [],
  'AWSXRayDaemonWriteAccess': [],
  'CloudWatchLambdaInsightsExecutionRolePolicy': [],
};

function statementsOf(doc: any, ev: Evaluator, stack: string): any[] {
  let d = doc;
  if (typeof d === 'string' || (d && typeof d === 'object' && ('Fn::Sub' in d || 'Fn::Join' in d))) {
    const lit = literalOf(ev.str(d, stack));
    try {
      d = lit !== undefined ? JSON.parse(lit) : undefined;
    } catch {
      d = undefined;
    }
  }
  const st = d?.Statement;
  if (Array.isArray(st)) return st;
  return st && typeof st === 'object' ? [st] : [];
}

/**
 * The role name in a role ARN (`arn:…:iam::<acct>:role/<path/>name`): a literal, a resource atom
 * (`${MyRole}` inside a Sub), or undefined when the value is not a role ARN.
 */
function roleNameOf(value: Sym): string | Part | undefined {
  if (!symIncludes(value, ':role/')) {
    const lit = literalOf(value);
    return lit && !lit.startsWith('arn:') ? lit : undefined;
  }
  const last = value[value.length - 1];
  if (typeof last !== 'string') {
    const prev = value[value.length - 2];
    return typeof prev === 'string' && prev.endsWith('/') ? last : undefined;
  }
  const idx = last.lastIndexOf('/');
  if (idx < 0) return undefined;
  return last.slice(idx + 1) || undefined;
}


import type { Facts } from '../facts/build';
import type { FunctionRef } from '../facts/function-ref';
import type { Invocation, InvocationPath, Site } from '../facts/model';

export type Severity = 'error' | 'warning' | 'info';

/** What a fixer needs to repair a finding (only the Aspect's fix mode acts on it). */
export interface FixPlan {
  readonly kind: 'add-permission' | 'set-post' | 'grant-role';
  readonly invocation: Invocation;
  readonly ref?: FunctionRef;
  readonly paths: readonly InvocationPath[];
  /**
   * 'grant-role' only: the IAM role (AWS::IAM::Role defined in the app) that needs
   * `lambda:InvokeFunction` on `ref`. When absent, the fixer uses the invocation's credentials role.
   */
  readonly role?: Site;
  /**
   * 'grant-role' only: what keeps the call failing once the grant is added (the role's permissions
   * boundary, which fix mode never edits). The grant is still needed, so it is added, but not reported as a fix.
   */
  readonly stillBlockedBy?: string;
}

/** A finding as a rule returns it; the engine adds severity and location details. */
export interface RuleFinding {
  readonly site: Site;
  readonly message: string;
  /** Overrides the rule's default severity for this finding (rules with context-dependent severity). */
  readonly severity?: Severity;
  readonly fix?: FixPlan;
}

/** One rule: metadata beside the check (architecture.md habit 1). */
export interface RuleDefinition {
  /** Stable id, never reused: `ApiGwLambda-<Name>`. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line: when it fires. */
  readonly summary: string;
  /** Why it matters, for docs and verbose output. */
  readonly rationale: string;
  /** Whether fix mode repairs what it reports (docs, SARIF). */
  readonly fixable: boolean;
  /**
   * Whether its findings carry fix plans (`RuleFinding.fix`): fix mode's first analysis runs only
   * these rules. Not the same as `fixable`: PolicySizeLimit is fixable in that fix mode keeps the
   * grants it adds under the limit, but its findings plan nothing.
   */
  readonly plansFixes: boolean;
  /** Pure check over the facts: never reads files, walks constructs or mutates. */
  check(facts: Facts): RuleFinding[];
}

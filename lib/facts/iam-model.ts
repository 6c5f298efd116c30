import { Site } from './model';
import { Sym } from './value';

/** One statement of an identity policy, as far as it decides an action on a resource. */
export interface IamStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Lower-cased action patterns (Action), or undefined when the statement uses NotAction. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** Resource patterns; undefined when the statement uses NotResource. */
  readonly resources?: readonly Sym[];
  readonly notResources?: readonly Sym[];
  /** True when the statement has a Condition (we do not evaluate conditions). */
  readonly conditional: boolean;
  /** Where the statement is written, for messages (e.g. `AWS::IAM::Policy RoleDefaultPolicy1234`). */
  readonly source: string;
  /** The resource holding the statement, when it is in the app. */
  readonly site?: Site;
  /** Position in its document's Statement list, and its Sid: for messages that must name the statement. */
  readonly index?: number;
  readonly sid?: string;
}

export type PrincipalKind = 'role' | 'user';

/** An `AWS::IAM::Role` or `AWS::IAM::User` defined in the analysed templates. */
export interface IamPrincipal {
  readonly kind: PrincipalKind;
  /** `role:<stack>|<logicalId>` / `user:<stack>|<logicalId>`. */
  readonly key: string;
  readonly site: Site;
  /** Logical id (and literal name when set), for messages. */
  readonly label: string;
  /** Literal RoleName / UserName, when set. */
  readonly name?: string;
  /** Account of the stack that deploys it (literal or pseudo). */
  readonly account: Sym;
  /** Identity-policy statements: inline, attached policies, app-defined and known AWS managed policies, groups. */
  readonly statements: IamStatement[];
  /** Managed policies whose content cannot be read here (customer managed outside the app, unknown AWS managed). */
  readonly opaquePolicies: string[];
  /** Trust policy statements (roles only), with their principals. */
  readonly trust: TrustStatement[];
  /** Permissions boundary when it is an app-defined managed policy; `opaque` when it cannot be read. */
  readonly boundary?: { readonly statements: IamStatement[] } | { readonly opaque: string };
}

export interface TrustStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** Principal values (`apigateway.amazonaws.com`, `arn:…`, `*`), rendered. */
  readonly principals: readonly string[];
  /** True for NotPrincipal. */
  readonly notPrincipal: boolean;
}

/** The role a `Credentials` value names. */
export interface RoleLookup {
  /** The role when it is defined in the analysed templates. */
  readonly role?: IamPrincipal;
  /** Readable role (ARN or name) for messages. */
  readonly label: string;
  /** Statements the app attaches by name to a role it does not define (CDK's mutable `Role.fromRoleArn`). */
  readonly attachedByName: readonly IamStatement[];
}

/** Result of evaluating one action on one resource for a principal. */
export interface Decision {
  readonly allowed: boolean;
  /** Allow statements that match. */
  readonly allows: readonly IamStatement[];
  /** Unconditional Deny statements that match, the boundary's included (an explicit deny wins). */
  readonly denies: readonly IamStatement[];
  /** Deny statements with a Condition that match the action and resource: whether they apply is not decided here. */
  readonly conditionalDenies: readonly IamStatement[];
  /** The boundary does not allow it (only when a boundary is known). */
  readonly boundaryBlocks: boolean;
}

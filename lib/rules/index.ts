import { CallerCredentials } from './caller-credentials';
import { ConflictingPolicyResources } from './conflicting-policy-resources';
import { CredentialsRoleCannotInvoke } from './credentials-role-cannot-invoke';
import { GrantMismatch } from './grant-mismatch';
import { IntegrationHttpMethod } from './integration-http-method';
import { MissingPermission } from './missing-permission';
import { OverBroadPermission } from './over-broad-permission';
import { PolicySizeLimit } from './policy-size-limit';
import { QualifierMismatch } from './qualifier-mismatch';
import { RuleDefinition } from './rule';
import { SourceArnMismatch } from './source-arn-mismatch';
import { StalePermission } from './stale-permission';
import { Unverifiable } from './unverifiable';

/** Every rule, in the order of rules.md's table. Ids are stable and never reused (rules.md). */
export const RULES: readonly RuleDefinition[] = [
  MissingPermission,
  QualifierMismatch,
  GrantMismatch,
  SourceArnMismatch,
  CredentialsRoleCannotInvoke,
  CallerCredentials,
  OverBroadPermission,
  PolicySizeLimit,
  StalePermission,
  ConflictingPolicyResources,
  IntegrationHttpMethod,
  Unverifiable,
];


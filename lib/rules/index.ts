import { ConflictingPolicyResources } from './conflicting-policy-resources';
import { GrantMismatch } from './grant-mismatch';
import { IntegrationHttpMethod } from './integration-http-method';
import { MissingPermission } from './missing-permission';
import { OverBroadPermission } from './over-broad-permission';
import { QualifierMismatch } from './qualifier-mismatch';
import { RuleDefinition } from './rule';
import { SourceArnMismatch } from './source-arn-mismatch';
import { StalePermission } from './stale-permission';
import { Unverifiable } from './unverifiable';

/** Every rule, in report order. Ids are stable and never reused (rules.md). */
export const RULES: readonly RuleDefinition[] = [
  MissingPermission,
  QualifierMismatch,
  GrantMismatch,
  SourceArnMismatch,
  IntegrationHttpMethod,
  OverBroadPermission,
  StalePermission,
  ConflictingPolicyResources,
  Unverifiable,
];

export function ruleById(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}

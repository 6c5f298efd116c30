/** Stable rule ids: an id never changes and is never reused. */
export enum RuleId {
  MISSING_PERMISSION = 'ApiGwLambda-MissingPermission',
  QUALIFIER_MISMATCH = 'ApiGwLambda-QualifierMismatch',
  GRANT_MISMATCH = 'ApiGwLambda-GrantMismatch',
  SOURCE_ARN_MISMATCH = 'ApiGwLambda-SourceArnMismatch',
  CREDENTIALS_ROLE_CANNOT_INVOKE = 'ApiGwLambda-CredentialsRoleCannotInvoke',
  CALLER_CREDENTIALS = 'ApiGwLambda-CallerCredentials',
  OVER_BROAD_PERMISSION = 'ApiGwLambda-OverBroadPermission',
  POLICY_SIZE_LIMIT = 'ApiGwLambda-PolicySizeLimit',
  STALE_PERMISSION = 'ApiGwLambda-StalePermission',
  CONFLICTING_POLICY_RESOURCES = 'ApiGwLambda-ConflictingPolicyResources',
  INTEGRATION_HTTP_METHOD = 'ApiGwLambda-IntegrationHttpMethod',
  UNVERIFIABLE = 'ApiGwLambda-Unverifiable',
}

/** Severity of a rule; `OFF` disables it. */
export enum RuleSeverity {
  ERROR = 'error',
  WARNING = 'warning',
  INFO = 'info',
  OFF = 'off',
}

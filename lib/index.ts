export { ApiGatewayLambdaPermissions, PermissionMode } from './aspect';
export type { ApiGatewayLambdaPermissionsProps } from './aspect';
export { RuleId, RuleSeverity } from './rule-ids';
export { FixStageScope } from './fix/stage-scope';
export { ApiGatewayLambdaChecks } from './nag-pack';
export type { ApiGatewayLambdaChecksProps } from './nag-pack';

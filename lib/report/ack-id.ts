/**
 * The rule id an acknowledgement names: `Annotation::ApiGwLambda-X` and `ApiGwLambda::ApiGwLambda-X`
 * (the namespaces the CDK and its validation report use) → `ApiGwLambda-X`. No dependencies, so the
 * CLI can use it without loading aws-cdk-lib.
 */
export function acknowledgedRuleId(id: string): string {
  const at = id.indexOf('::');
  return at >= 0 ? id.slice(at + 2) : id;
}

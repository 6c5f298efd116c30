import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgedRuleId } from './ack-id';

/**
 * True when `Validations.of(scope).acknowledge({ id })` was called on the construct or any scope
 * above it. The CDK records acknowledgements as metadata (key `aws:cdk:acknowledged-rules`, ids
 * prefixed with a namespace such as `Annotation::`); errors are not removed by the CDK itself, so
 * we honour the record for every severity.
 */
export function isAcknowledged(construct: IConstruct, ruleId: string): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const id of Object.keys(entry.data)) {
        if (acknowledgedRuleId(id) === ruleId) return true;
      }
    }
  }
  return false;
}

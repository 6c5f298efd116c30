import type { Facts } from '../facts/build';
import { Grant } from '../facts/model';
import { Sym } from '../facts/value';
import { POLICY_LIMIT, WARN_RATIO, estimatePolicyBytes } from '../rules/policy-size-limit';

/** Lambda's hard limit on one function/version/alias resource policy (semantics.md §6.8, [K-L-QUOTAS]). */
export const POLICY_LIMIT_BYTES = POLICY_LIMIT;
/**
 * The fix keeps a policy it adds to below the PolicySizeLimit warning threshold (80 %): the size is
 * an estimate (physical names and ids are only known at deploy time), and the CDK may add more
 * permissions to the same function later.
 */
export const FIX_BUDGET_BYTES = Math.floor(POLICY_LIMIT * WARN_RATIO);

/**
 * Deploy-time lengths of the parts a template cannot know, for the statements the fix is about to
 * add, taken at their usual maximum (at least the PolicySizeLimit model's stand-ins) so the
 * estimate errs towards consolidating early rather than failing a deployment.
 */
const ATOM_BYTES: Record<string, number> = {
  'pseudo:AWS::Region': 14,
  'pseudo:AWS::AccountId': 12,
  'pseudo:AWS::Partition': 10,
};
/** Physical-id lengths by resource type; anything else counts as a 64-character name. */
const REF_BYTES: Record<string, number> = {
  'AWS::ApiGateway::RestApi': 10,
  'AWS::ApiGatewayV2::Api': 10,
  'AWS::ApiGateway::Authorizer': 6,
  'AWS::ApiGatewayV2::Authorizer': 7,
  'AWS::Lambda::Version': 3,
};
const NAME_BYTES = 64;
/** Sid of a CloudFormation-created statement: `<stack name>-<logical id>-<suffix>`. */
const SID_BYTES = 100;
/** `{"Sid":"","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"","Condition":{"ArnLike":{"AWS:SourceArn":""}}},` */
const STATEMENT_OVERHEAD = 171;

/** Resource type of a logical id (to size its physical id). */
export type TypeOf = (stack: string, logicalId: string) => string | undefined;

export function symBytes(s: Sym | undefined, typeOf: TypeOf): number {
  if (!s) return 0;
  let n = 0;
  for (const p of s) {
    if (typeof p === 'string') n += p.length;
    else if (p.kind === 'res') n += REF_BYTES[typeOf(p.stack, p.logicalId) ?? ''] ?? NAME_BYTES;
    else n += ATOM_BYTES[p.key] ?? 20;
  }
  return n;
}

/** Estimated bytes of one statement for a function ARN and an optional SourceArn. */
export function statementBytes(functionArn: Sym, sourceArn: Sym | undefined, typeOf: TypeOf): number {
  return STATEMENT_OVERHEAD + SID_BYTES + symBytes(functionArn, typeOf) + symBytes(sourceArn, typeOf);
}

/**
 * Estimated bytes of the policy already on one function reference: the PolicySizeLimit rule's own
 * model (lib/rules/policy-size-limit.ts), so that fix mode and report mode agree on what is too big.
 */
export function existingPolicyBytes(facts: Facts, grants: readonly Grant[]): number {
  return estimatePolicyBytes(facts, grants.filter((g) => g.source === 'permission'));
}

import { Finding } from '../engine';
import { InputError, LoadedInput } from '../facts/assembly-loader';
import { StackTemplate } from '../facts/template';
import { acknowledgedRuleId } from '../report/ack-id';
import { RULES } from '../rules';
import { PACKAGE_NAME } from '../version';

/**
 * Acknowledgements the CLI honours (rules.md: "in the CLI by the template Metadata of the resource"):
 *
 * - a resource's (or the template's top-level) `Metadata`:
 *   `{ "cdk-apigw-lambda-permissions": { "acknowledge": [ { "id": "ApiGwLambda-…", "reason": "…" } ] } }`
 * - cdk-nag's shape, as written by `writeSuppressionsToCloudFormation` or by hand:
 *   `{ "cdk_nag": { "rules_to_suppress": [ { "id": "ApiGwLambda-…", "reason": "…" } ] } }`
 * - in a cloud assembly, `Validations.of(construct).acknowledge({ id, reason })` on the construct or
 *   any scope above it (the CDK records it in the assembly's metadata), as the Aspect does.
 *
 * Returns the reason a finding is acknowledged, or undefined. Malformed entries are input errors:
 * a typo must not silently un-acknowledge (or acknowledge) anything.
 */
export type AcknowledgementLookup = (f: Finding) => string | undefined;

const RULE_PREFIX = 'ApiGwLambda-';

interface Ack {
  readonly id: string;
  readonly reason: string;
}

export function acknowledgements(input: LoadedInput): AcknowledgementLookup {
  const byResource = new Map<string, Ack[]>();
  const byStack = new Map<string, Ack[]>();
  for (const s of input.stacks) {
    const top = readAcks(s.template.Metadata, s, 'the template');
    if (top.length) byStack.set(s.key, top);
    const resources = s.template.Resources ?? {};
    const ids = Object.keys(resources);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const metadata = resources[id]?.Metadata;
      // Most resources carry no acknowledgement (CDK templates give each one Metadata all the same):
      // skip the call, and the message text it is given, for them.
      if (!metadata || typeof metadata !== 'object' || (metadata[PACKAGE_NAME] === undefined && metadata.cdk_nag === undefined)) continue;
      const acks = readAcks(metadata, s, `resource '${id}'`);
      if (acks.length) byResource.set(`${s.key}|${id}`, acks);
    }
  }
  return (f) => {
    const match = (acks: readonly Ack[] | undefined) => acks?.find((a) => a.id === f.ruleId)?.reason;
    const direct = match(byResource.get(`${f.stackKey}|${f.logicalId}`)) ?? match(byStack.get(f.stackKey));
    if (direct !== undefined) return direct;
    if (f.constructPath) {
      for (let p: string = f.constructPath; p; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
        const ack = input.pathAcknowledgements.get(p)?.find((a) => acknowledgedRuleId(a.id) === f.ruleId);
        // The user's reason, as the Aspect's acknowledgement carries it (SARIF's justification).
        if (ack) return ack.reason.trim() || 'acknowledged with Validations.of(…).acknowledge()';
      }
    }
    return undefined;
  };
}

function readAcks(metadata: any, stack: StackTemplate, where: string): Ack[] {
  if (!metadata || typeof metadata !== 'object') return [];
  const out: Ack[] = [];
  const file = stack.templateFile ?? stack.key;
  const take = (list: unknown, field: string, onlyOurs: boolean) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw new InputError(file, `${where}: Metadata.${field} must be a list of { "id", "reason" }`);
    list.forEach((e, i) => {
      const id = e?.id;
      // cdk-nag's list is shared with other packs: only our entries are ours to validate.
      if (onlyOurs && (typeof id !== 'string' || !acknowledgedRuleId(id).startsWith(RULE_PREFIX))) return;
      const reason = e?.reason;
      if (typeof id !== 'string' || !id) throw new InputError(file, `${where}: Metadata.${field}[${i}] needs an "id" (a rule id such as ApiGwLambda-MissingPermission)`);
      if (typeof reason !== 'string' || !reason.trim()) throw new InputError(file, `${where}: Metadata.${field}[${i}] (${id}) needs a non-empty "reason"`);
      if (!RULES.some((r) => r.id === acknowledgedRuleId(id))) {
        throw new InputError(file, `${where}: Metadata.${field}[${i}] acknowledges unknown rule id '${id}'; expected one of: ${RULES.map((r) => r.id).join(', ')}`);
      }
      out.push({ id: acknowledgedRuleId(id), reason });
    });
  };
  const own = metadata[PACKAGE_NAME];
  if (own !== undefined) {
    if (!own || typeof own !== 'object' || Array.isArray(own)) {
      throw new InputError(file, `${where}: Metadata.${PACKAGE_NAME} must be an object { "acknowledge": [ { "id", "reason" } ] }`);
    }
    take(own.acknowledge, `${PACKAGE_NAME}.acknowledge`, false);
  }
  const nag = metadata.cdk_nag;
  if (nag && typeof nag === 'object') take(nag.rules_to_suppress, 'cdk_nag.rules_to_suppress', true);
  return out;
}

import { Token } from 'aws-cdk-lib';
import type { Facts } from '../facts/build';
import { FunctionRef, PhysicalNames, parseFunctionRef, refKey } from '../facts/function-ref';
import { ElementIndex, TokenValue, resourceElement, symToToken } from './tokens';

/**
 * The exact invoked reference as an ARN built from the real resources (semantics.md §6.5-§6.6):
 * `GetAtt F.Arn` for an unqualified function of the app, the alias's `Ref` (its ARN) or the
 * version's `Ref` for a qualified one, so that CloudFormation also orders the permission after
 * the alias/version it is attached to. References to functions outside the app are rebuilt from
 * the value the integration uses. Undefined when the reference cannot be rebuilt.
 */
export class FunctionTargets {
  private qualified?: Map<string, { stack: string; logicalId: string }>;

  constructor(private readonly facts: Facts, private readonly index: ElementIndex) {}

  arn(ref: FunctionRef): TokenValue | undefined {
    if (ref.qualifierKey === '' && ref.definedIn) {
      const el = resourceElement(this.index, ref.definedIn.stack, ref.definedIn.logicalId);
      if (el) return { text: Token.asString(el.getAtt('Arn')), refs: [el] };
    }
    if (ref.qualifierKey !== '') {
      const q = this.qualifiedResources().get(refKey(ref));
      const el = q && resourceElement(this.index, q.stack, q.logicalId);
      if (el) return { text: el.ref, refs: [el] };
    }
    return symToToken(ref.value, this.index);
  }

  /** Aliases and versions of the app by the reference their `Ref` (an ARN) names. */
  private qualifiedResources(): Map<string, { stack: string; logicalId: string }> {
    if (this.qualified) return this.qualified;
    this.qualified = new Map();
    for (const type of ['AWS::Lambda::Alias', 'AWS::Lambda::Version']) {
      for (const { stack, id } of this.facts.resources(type)) {
        const parsed = parseFunctionRef(this.facts.ev.str({ Ref: id }, stack), this.facts.ev, this.facts.physicalNames as PhysicalNames);
        if (parsed.ok && !this.qualified.has(refKey(parsed.ref))) this.qualified.set(refKey(parsed.ref), { stack, logicalId: id });
      }
    }
    return this.qualified;
  }
}

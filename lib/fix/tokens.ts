import { Aws, CfnElement, CfnResource, Token } from 'aws-cdk-lib';
import { elementKey } from '../facts/tree-loader';
import { Atom, Sym } from '../facts/value';

/** Lookup of the real constructs behind the analysis (the Aspect's construct-tree snapshot). */
export interface ElementIndex {
  readonly elements: ReadonlyMap<string, CfnElement>;
}

/** A value rebuilt as CDK tokens, with the elements it references (for stack placement). */
export interface TokenValue {
  readonly text: string;
  readonly refs: readonly CfnElement[];
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': Aws.PARTITION,
  'AWS::Region': Aws.REGION,
  'AWS::AccountId': Aws.ACCOUNT_ID,
  'AWS::URLSuffix': Aws.URL_SUFFIX,
};

/**
 * Turns a symbolic value back into a CDK string whose tokens reference the real resources
 * (`CfnResource.ref` / `getAtt`, which the CDK turns into Exports/ImportValue or nested-stack
 * parameters when used from another stack). Undefined when a part cannot be rebuilt (an unresolved
 * or opaque value): the fixer then leaves the finding reported rather than guess.
 */
export function symToToken(value: Sym, index: ElementIndex): TokenValue | undefined {
  let text = '';
  const refs: CfnElement[] = [];
  for (const p of value) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    const t = atomToken(p, index);
    if (!t) return undefined;
    text += t.text;
    if (t.ref) refs.push(t.ref);
  }
  return { text, refs };
}

function atomToken(a: Atom, index: ElementIndex): { text: string; ref?: CfnElement } | undefined {
  switch (a.kind) {
    case 'pseudo': {
      const t = PSEUDO[a.name];
      return t ? { text: t } : undefined;
    }
    case 'sample':
      // Only a `*` matches a runtime sample (a REST path parameter, an unknown stage).
      return { text: '*' };
    case 'res': {
      const el = index.elements.get(elementKey(a.stack, a.logicalId));
      if (!el || !CfnResource.isCfnResource(el)) return undefined;
      return { text: a.attr === 'Ref' ? el.ref : Token.asString(el.getAtt(a.attr)), ref: el };
    }
    default:
      return undefined;
  }
}

/** The element behind a resource identity. */
export function resourceElement(index: ElementIndex, stack: string, logicalId: string): CfnResource | undefined {
  const el = index.elements.get(elementKey(stack, logicalId));
  return el && CfnResource.isCfnResource(el) ? el : undefined;
}

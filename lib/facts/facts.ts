import { Evaluator } from './evaluate';
import { ApiFact, Grant, Invocation, Unknowable } from './model';
import { CfnResourceJson, StackTemplate } from './template';

/** A resource of the analysed templates, with its stack and logical id. */
export interface Res {
  readonly stack: string;
  readonly id: string;
  readonly r: CfnResourceJson;
}

/**
 * Everything the rules need, extracted once per analysis and indexed by function and by API, so
 * that no rule walks templates or constructs (architecture.md "One pipeline").
 */
export class Facts {
  readonly apis = new Map<string, ApiFact>();
  readonly invocations: Invocation[] = [];
  readonly grants: Grant[] = [];
  /** Grants by base function identity (any qualifier). */
  readonly grantsByFunction = new Map<string, Grant[]>();
  /** Invocations by API key. */
  readonly invocationsByApi = new Map<string, Invocation[]>();
  readonly unknowables: Unknowable[] = [];
  /** Base functions the app declares as managed elsewhere (imported with skipPermissions: true). */
  readonly externalFunctions = new Set<string>();
  readonly physicalNames = new Map<string, { stack: string; logicalId: string }>();
  readonly byType = new Map<string, Res[]>();

  constructor(readonly stacks: readonly StackTemplate[], readonly ev: Evaluator) {}

  stack(key: string): StackTemplate | undefined {
    return this.ev.stack(key);
  }

  resources(type: string): readonly Res[] {
    return this.byType.get(type) ?? [];
  }
}

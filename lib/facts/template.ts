/**
 * The engine's input: one entry per CloudFormation template (stack or nested stack), however it
 * was obtained (resolved from the construct tree at synth time, read from cdk.out, or a plain
 * template file).
 */
export interface StackTemplate {
  /** Unique key of the stack in this analysis (construct path of the stack, or file path). */
  readonly key: string;
  /** Name shown to people (stack display name, or file name). */
  readonly displayName: string;
  /** The template file this came from, if any. */
  readonly templateFile?: string;
  /** The CloudFormation template (Resources, Parameters, Outputs, …). */
  readonly template: CfnTemplate;
  /** Deploy account, when it is a literal. */
  readonly account?: string;
  /** Deploy region, when it is a literal. */
  readonly region?: string;
  /** For a nested stack: the parent stack and the logical id of its AWS::CloudFormation::Stack resource. */
  readonly parent?: { readonly stackKey: string; readonly logicalId: string };
  /** Construct path of each logical id, when known. */
  readonly constructPaths?: ReadonlyMap<string, string>;
  /**
   * Function references (CloudFormation expressions) the app declares as managed elsewhere: functions
   * imported with `skipPermissions: true`. Only the construct tree knows this (semantics.md C54).
   */
  readonly externalFunctions?: readonly any[];
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly Parameters?: Record<string, any>;
  readonly Outputs?: Record<string, any>;
  readonly Mappings?: Record<string, any>;
  readonly Conditions?: Record<string, any>;
  readonly Transform?: any;
  readonly [key: string]: any;
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
  readonly Condition?: string;
  readonly [key: string]: any;
}

/**
 * Marker for a reference to a resource in another stack, written by the construct-tree loader
 * (at synth time cross-stack references are not yet Exports/ImportValue).
 * Shape: `{ "Fn::X-StackRef": [stackKey, logicalId, attribute] }` (attribute `Ref` for a Ref).
 */
export const CROSS_STACK_REF = 'Fn::X-StackRef';

/** True for the key of an intrinsic function object (`Ref`, `Fn::…`). */
export function isIntrinsicKey(k: string): boolean {
  return k === 'Ref' || k.startsWith('Fn::');
}

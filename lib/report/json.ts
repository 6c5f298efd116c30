import { Finding } from '../engine';

/** One finding in the CLI's JSON output (a stable, documented shape: add fields, never rename). */
export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  /** The template file (path as shown to the user), or the stack key when there is no file. */
  readonly template: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  /** Dotted path inside the resource's `Properties`. */
  readonly propertyPath?: string;
}

/** `{ "findings": [ … ] }` in the engine's stable order (stack, logical id, rule id, message). */
export function renderJson(findings: readonly Finding[]): string {
  const out: JsonFinding[] = findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    template: f.templateFile ?? f.stackKey,
    logicalId: f.logicalId,
    ...(f.constructPath ? { constructPath: f.constructPath } : {}),
    ...(f.propertyPath ? { propertyPath: f.propertyPath } : {}),
  }));
  return `${JSON.stringify({ findings: out }, undefined, 2)}\n`;
}

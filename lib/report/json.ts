import { Finding } from '../engine';
import type { SuppressedFinding } from './sarif';

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

/** A finding an acknowledgement silenced, with the acknowledgement's reason. */
export interface JsonAcknowledgedFinding extends JsonFinding {
  readonly reason: string;
}

/**
 * `{ "findings": [ … ], "acknowledged": [ … ] }` in the engine's stable order (stack, logical id, rule
 * id, message): acknowledged findings are listed apart, with their reason, never dropped in silence.
 */
export function renderJson(findings: readonly Finding[], acknowledged: readonly SuppressedFinding[] = []): string {
  const out: JsonFinding[] = findings.map(jsonFinding);
  const acked: JsonAcknowledgedFinding[] = acknowledged.map(({ finding, reason }) => ({ ...jsonFinding(finding), reason }));
  return `${JSON.stringify({ findings: out, acknowledged: acked }, undefined, 2)}\n`;
}

function jsonFinding(f: Finding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    template: f.templateFile ?? f.stackKey,
    logicalId: f.logicalId,
    ...(f.constructPath ? { constructPath: f.constructPath } : {}),
    ...(f.propertyPath ? { propertyPath: f.propertyPath } : {}),
  };
}

import { createHash } from 'crypto';
import { Finding } from '../engine';
import { RULES } from '../rules';
import { RuleDefinition, Severity } from '../rules/rule';
import { PACKAGE_NAME, packageVersion } from '../version';

/** A finding that an acknowledgement silenced: kept in SARIF as a suppressed result (an audit trail). */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly reason: string;
}

export interface SarifOptions {
  /** 1-based line of the resource's logical id in its template file, when it can be found. */
  readonly lineOf?: (templateFile: string, logicalId: string) => number | undefined;
  readonly suppressed?: readonly SuppressedFinding[];
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * SARIF 2.1.0 as GitHub code scanning ingests it: one run, every rule with its help text from the
 * rule metadata, one result per finding located at the resource's logical id in the template file.
 */
export function renderSarif(findings: readonly Finding[], opts: SarifOptions = {}): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const result = (f: Finding, reason?: string) => {
    const line = f.templateFile ? opts.lineOf?.(f.templateFile, f.logicalId) : undefined;
    return {
      ruleId: f.ruleId,
      ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId)! } : {}),
      level: level(f.severity),
      message: { text: f.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: encodeUri(f.templateFile ?? f.stackKey) },
          region: { startLine: line ?? 1 },
        },
        logicalLocations: [{
          name: f.logicalId,
          fullyQualifiedName: f.constructPath ?? `${f.stackKey}/${f.logicalId}`,
          kind: 'resource',
        }],
      }],
      partialFingerprints: { 'findingHash/v1': fingerprint(f) },
      properties: {
        stack: f.stackKey,
        logicalId: f.logicalId,
        resourceType: f.resourceType,
        ...(f.constructPath ? { constructPath: f.constructPath } : {}),
        ...(f.propertyPath ? { propertyPath: f.propertyPath } : {}),
      },
      ...(reason !== undefined ? { suppressions: [{ kind: 'inSource', justification: reason }] } : {}),
    };
  };
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: PACKAGE_NAME,
          version: packageVersion(),
          semanticVersion: packageVersion(),
          informationUri: `https://www.npmjs.com/package/${PACKAGE_NAME}`,
          rules: RULES.map(ruleDescriptor),
        },
      },
      columnKind: 'unicodeCodePoints',
      results: [
        ...findings.map((f) => result(f)),
        ...(opts.suppressed ?? []).map((s) => result(s.finding, s.reason)),
      ],
    }],
  };
  return `${JSON.stringify(log, undefined, 2)}\n`;
}

function ruleDescriptor(r: RuleDefinition) {
  const name = r.id.replace(/^ApiGwLambda-/, '');
  return {
    id: r.id,
    name,
    shortDescription: { text: r.summary },
    fullDescription: { text: r.rationale },
    help: {
      text: `${r.summary}\n\n${r.rationale}\n\nDefault severity: ${r.defaultSeverity}. ${r.fixable ? 'Fixable by the Aspect\'s fix mode.' : 'Not fixable automatically.'}`,
      markdown: `**${r.id}**: ${r.summary}\n\n${r.rationale}\n\n*Default severity:* ${r.defaultSeverity}. `
        + `${r.fixable ? 'Fixable by the Aspect\'s fix mode (`PermissionMode.FIX`).' : 'Not fixable automatically.'}`,
    },
    defaultConfiguration: { level: level(r.defaultSeverity) },
    properties: { tags: ['security', 'aws-cdk', 'api-gateway', 'lambda'], precision: 'high', fixable: r.fixable },
  };
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** A relative URI reference (SARIF `uri`): forward slashes, spaces and the like percent-encoded. */
function encodeUri(p: string): string {
  const drive = /^[A-Za-z]:\//.exec(p)?.[0] ?? '';
  const encoded = p.slice(drive.length).split('/').map((seg) => encodeURIComponent(seg)).join('/');
  // Absolute paths (templates outside the working directory) become file URIs.
  if (drive) return `file:///${drive}${encoded}`;
  return p.startsWith('/') ? `file://${encoded}` : encoded;
}

/** Stable across runs and line moves: what the finding is about, not where it is printed. */
function fingerprint(f: Finding): string {
  return createHash('sha256').update([f.ruleId, f.stackKey, f.logicalId, f.message].join('\u0000')).digest('hex').slice(0, 32);
}

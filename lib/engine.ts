import { Facts, buildFacts, extendFacts } from './facts/build';
import { StackTemplate } from './facts/template';
import { RULES } from './rules';
import { FixPlan, RuleDefinition, Severity } from './rules/rule';

/** A finding as every front-end reports it. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** Key of the stack (construct path, or template file). */
  readonly stackKey: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly constructPath?: string;
  readonly propertyPath?: string;
  readonly templateFile?: string;
  /** What fix mode would do (internal to the Aspect's fix mode). */
  readonly fix?: FixPlan;
}

export type SeverityOverride = Severity | 'off';

const SEVERITIES = ['error', 'warning', 'info', 'off'];

/** Validates user-supplied per-rule severities; throws a message that names the bad entry. */
export function validateSeverities(overrides: Record<string, string> | undefined): Map<string, SeverityOverride> {
  const out = new Map<string, SeverityOverride>();
  for (const [id, value] of Object.entries(overrides ?? {})) {
    if (!RULES.some((r) => r.id === id)) {
      throw new Error(`Unknown rule id '${id}' in ruleSeverities; expected one of: ${RULES.map((r) => r.id).join(', ')}`);
    }
    const v = String(value).toLowerCase();
    if (!SEVERITIES.includes(v)) {
      throw new Error(`Invalid severity '${value}' for rule '${id}' in ruleSeverities; expected one of: ${SEVERITIES.join(', ')}`);
    }
    out.set(id, v as SeverityOverride);
  }
  return out;
}

export interface Analysis {
  readonly facts: Facts;
  readonly findings: Finding[];
}

/** The one engine behind every front-end: templates → facts → rules → findings. */
export function analyze(
  stacks: readonly StackTemplate[], severities: ReadonlyMap<string, SeverityOverride> = new Map(), rules: readonly RuleDefinition[] = RULES,
): Analysis {
  return check(buildFacts(stacks), severities, rules);
}

/** The rules whose findings carry fix plans: all that fix mode's first analysis needs. */
export const FIX_PLANNING_RULES: readonly RuleDefinition[] = RULES.filter((r) => r.plansFixes);

/** An analysis made with only some of the rules, completed with the findings of the others. */
export function completeAnalysis(
  partial: Analysis, severities: ReadonlyMap<string, SeverityOverride>, ran: readonly RuleDefinition[],
): Analysis {
  const rest = check(partial.facts, severities, RULES.filter((r) => !ran.includes(r)));
  const findings = [...partial.findings, ...rest.findings].sort(compareFindings);
  return { facts: partial.facts, findings: dedupe(findings) };
}

/**
 * `analyze` of the templates of `prev` after resources were added to them (fix mode): `prev` extended
 * with the added resources when it can be (extendFacts), built anew otherwise.
 */
export function reanalyze(
  prev: Facts, added: ReadonlyArray<{ readonly stack: string; readonly logicalId: string }>, severities: ReadonlyMap<string, SeverityOverride>,
): Analysis {
  return check(extendFacts(prev, added) ?? buildFacts(prev.stacks), severities, RULES);
}

function check(facts: Facts, severities: ReadonlyMap<string, SeverityOverride>, rules: readonly RuleDefinition[]): Analysis {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const override = severities.get(rule.id);
    if (override === 'off') continue;
    for (const f of rule.check(facts)) {
      const stack = facts.stack(f.site.stack);
      findings.push({
        ruleId: rule.id,
        severity: override ?? f.severity ?? rule.defaultSeverity,
        message: f.message,
        stackKey: f.site.stack,
        logicalId: f.site.logicalId,
        resourceType: f.site.resourceType,
        constructPath: stack?.constructPaths?.get(f.site.logicalId),
        propertyPath: f.site.propertyPath,
        templateFile: stack?.templateFile,
        fix: f.fix,
      });
    }
  }
  findings.sort(compareFindings);
  return { facts, findings: dedupe(findings) };
}

function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.stackKey, b.stackKey) || cmp(a.logicalId, b.logicalId) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.stackKey}|${f.logicalId}|${f.ruleId}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

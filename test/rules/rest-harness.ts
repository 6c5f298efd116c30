/**
 * Table harness shared by the REST, authorizer and OpenAPI rule tables (ESLint RuleTester style):
 * each case builds a REAL CDK app, the `ApiGatewayLambdaPermissions` Aspect reports, and the case
 * lists exactly the findings it expects (or none).
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { ReportedFinding, synthFindings } from '../helpers';

/** The rules these tables own (rules.md precedence steps 1-4, Unverifiable, IntegrationHttpMethod). */
export const COVERED_RULES = [
  'ApiGwLambda-MissingPermission',
  'ApiGwLambda-QualifierMismatch',
  'ApiGwLambda-GrantMismatch',
  'ApiGwLambda-SourceArnMismatch',
  'ApiGwLambda-IntegrationHttpMethod',
  'ApiGwLambda-Unverifiable',
];

export interface ExpectedFinding {
  /** Rule id without the `ApiGwLambda-` prefix. */
  readonly rule: string;
  /** Construct path of the L1 the finding is reported on, e.g. `/Stack/Api/Default/items/GET/Resource`. */
  readonly path: string;
  /** Substrings the message must contain (the uncovered stage / method / path / qualifier). */
  readonly includes?: readonly string[];
  /** Substrings the message must not contain (e.g. a covered stage). */
  readonly excludes?: readonly string[];
}

export interface TableCase {
  readonly name: string;
  /** Spec case ids this row covers (semantics.md §11). */
  readonly spec?: string;
  readonly stackProps?: StackProps;
  /** Builds the app inside the stack `Stack`. */
  readonly build: (stack: Stack, app: App) => void;
}

export interface BadCase extends TableCase {
  readonly expect: readonly ExpectedFinding[];
}

/** Synthesizes the case and returns every ApiGwLambda finding. */
export function runCase(c: TableCase): ReportedFinding[] {
  const app = new App();
  const stack = new Stack(app, 'Stack', c.stackProps);
  c.build(stack, app);
  return synthFindings(app);
}

/** Good cases: nothing at all is reported (any ApiGwLambda rule). */
export function expectClean(c: TableCase): void {
  const findings = runCase(c);
  expect(findings.map((f) => f.message)).toEqual([]);
}

/**
 * Bad cases: the findings of the covered rules are exactly the expected ones (rule, construct path,
 * message parts). Other rules (OverBroad, Stale…) are other tables' business and are ignored here.
 */
export function expectFindings(c: BadCase): ReportedFinding[] {
  const all = runCase(c);
  if (process.env.DUMP_FINDINGS) console.log(`${c.name}\n${all.map((f) => `  ${f.level} ${f.path}\n    ${f.message}`).join('\n')}`);
  const findings = all.filter((f) => COVERED_RULES.includes(f.ruleId));
  const actual = findings.map((f) => `${f.ruleId} @ ${f.path}`).sort();
  const wanted = c.expect.map((e) => `ApiGwLambda-${e.rule} @ ${e.path}`).sort();
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    // Show the messages: they explain why a different rule fired.
    expect(findings.map((f) => `${f.ruleId} @ ${f.path}: ${f.message}`)).toEqual(wanted);
  }
  // Several findings may share a rule and a construct (one per OpenAPI operation on a CfnRestApi):
  // each expectation consumes the first unconsumed finding whose message fits it.
  const unused = new Set(findings);
  for (const e of c.expect) {
    const candidates = [...unused].filter((x) => x.ruleId === `ApiGwLambda-${e.rule}` && x.path === e.path);
    const fits = (m: string) => (e.includes ?? []).every((p) => m.includes(p)) && !(e.excludes ?? []).some((p) => m.includes(p));
    const f = candidates.find((x) => fits(x.message)) ?? candidates[0];
    unused.delete(f);
    for (const part of e.includes ?? []) expect(f.message).toContain(part);
    for (const part of e.excludes ?? []) expect(f.message).not.toContain(part);
  }
  return findings;
}

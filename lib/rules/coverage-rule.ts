import type { Facts } from '../facts/build';
import { CoverageIssue, CoverageRule, coverage } from './coverage';
import { RuleFinding } from './rule';

/** Turns the shared coverage analysis into the findings of one precedence step. */
export function coverageFindings(facts: Facts, rule: CoverageRule, message: (i: CoverageIssue) => string, fixable: boolean): RuleFinding[] {
  return coverage(facts)
    .filter((i) => i.rule === rule)
    .map((i) => ({
      site: i.invocation.site,
      message: message(i),
      fix: fixable && i.ref ? { kind: 'add-permission', invocation: i.invocation, ref: i.ref, paths: i.paths } : undefined,
    }));
}

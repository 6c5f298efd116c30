/**
 * Fix mode over the report-mode bad cases: for each fixable case, report mode finds the gap, fix
 * mode adds least-privilege permissions, the synthesized templates pass the report-mode check,
 * a second synthesis is byte-identical, and applying the Aspect twice adds nothing twice.
 */
import { PermissionMode } from '../../lib';
import { FIXABLE, GOOD } from './fix-cases';
import { addedPermissions, check, errors, synth } from './fix-harness';

const REPORT = { mode: PermissionMode.REPORT };
const FIX = { mode: PermissionMode.FIX };

describe.each(FIXABLE.map((c) => [c.name, c] as const))('fixable: %s', (_name, c) => {
  test('report mode finds the gap; fix mode repairs it with least privilege, deterministically', () => {
    const before = synth(c.build, { props: REPORT });
    expect(before.annotations.filter((a) => a.level === 'error').map((a) => a.ruleId.replace('ApiGwLambda-', '')).sort())
      .toEqual([...c.before].sort());

    const fixed = synth(c.build, { props: FIX });
    // Fix mode reports what it did, and nothing fixable is left as an error.
    expect(fixed.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([]);
    const info = fixed.annotations.filter((a) => a.level === 'info' && a.path === c.fixedOn);
    expect(info.length).toBeGreaterThan(0);
    expect(info.every((a) => a.message.includes(': fixed: '))).toBe(true);

    // The synthesized templates, checked on their own (the CLI's view), have no error left.
    expect(errors(check(fixed.templates))).toEqual([]);
    // Least privilege: one permission per distinct pattern, each scoped to the API (checked in the harness).
    expect(addedPermissions(fixed.templates).map((p) => p.rest)).toEqual([...c.added].sort());

    // Deterministic and idempotent: a second synthesis, with the Aspect applied twice, is byte-identical.
    const again = synth(c.build, { props: FIX, times: 2 });
    expect(again.raw).toEqual(fixed.raw);
  });
});

describe.each(GOOD.map((c) => [c.name, c] as const))('nothing to fix: %s', (_name, c) => {
  test('fix mode leaves the templates exactly as report mode does', () => {
    const report = synth(c.build, { props: REPORT });
    const fixed = synth(c.build, { props: FIX });
    expect(fixed.raw).toEqual(report.raw);
    expect(fixed.annotations).toEqual([]);
  });
});

/**
 * Fix mode over the report-mode bad cases: for each fixable case, report mode finds the gap, fix
 * mode adds least-privilege permissions, the synthesized templates pass the report-mode check,
 * a second synthesis is byte-identical, and applying the Aspect twice adds nothing twice. A gap that
 * an explicit Deny or an AWS::Lambda::ResourcePolicy blocks is left as it is, and stays an error.
 */
import { PermissionMode } from '../../lib';
import { BLOCKED, FIXABLE, GOOD, boundedRole } from './fix-cases';
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

describe.each(BLOCKED.map((c) => [c.name, c] as const))('blocked by the user\'s policy: %s', (_name, c) => {
  test('fix mode adds nothing, claims nothing fixed, and the error names what the user must change', () => {
    const report = synth(c.build, { props: REPORT });
    const fixed = synth(c.build, { props: FIX });
    // No grant that a Deny or a ResourcePolicy would defeat: the templates are exactly report mode's.
    expect(fixed.raw).toEqual(report.raw);
    expect(fixed.annotations.filter((a) => a.level === 'info')).toEqual([]);
    for (const r of [report, fixed]) {
      const found = r.annotations.filter((a) => a.level === 'error');
      expect(found.map((a) => `${a.ruleId} ${a.path}`)).toEqual([`ApiGwLambda-${c.rule} ${c.on}`]);
      for (const s of c.includes) expect(found[0].message).toContain(s);
      for (const s of c.excludes ?? []) expect(found[0].message).not.toContain(s);
    }
    // The CLI's view of the output agrees: the finding is still there, and it plans no fix.
    const left = check(fixed.templates).filter((f) => f.severity === 'error');
    expect(left.map((f) => f.ruleId)).toEqual([`ApiGwLambda-${c.rule}`]);
    expect(left[0].fix).toBeUndefined();
  });
});

describe('a grant that is needed but not enough', () => {
  test('a credentials role lacking the grant and blocked by its permissions boundary: the grant is added, not called a fix', () => {
    const fixed = synth(boundedRole(false), { props: FIX });
    const info = fixed.annotations.filter((a) => a.level === 'info');
    expect(info.map((a) => a.message)).toEqual([expect.stringMatching(
      /^ApiGwLambda-CredentialsRoleCannotInvoke: added policy \S+ in \S+ granting lambda:InvokeFunction on .* to the role, which is needed but not enough: the role's permissions boundary does not allow the call either$/)]);
    // The boundary still blocks: the error stays, and now asks only for the boundary.
    const left = fixed.annotations.filter((a) => a.level === 'error');
    expect(left.map((a) => a.ruleId)).toEqual(['ApiGwLambda-CredentialsRoleCannotInvoke']);
    expect(left[0].message).toContain('Fix: allow lambda:InvokeFunction on it in the role\'s permissions boundary');
  });
});

/**
 * The benchmark's generated app (bench/app.ts) must be a correct app — otherwise the benchmark
 * would time the reporting of findings, not the checking — and its "missing grants" variant must
 * have exactly the gaps it claims, which fix mode repairs. Also: the grant index that keeps
 * coverage linear (lib/rules/grant-index.ts) never drops a grant that could cover a path.
 */
import { App } from 'aws-cdk-lib';
import { buildBenchApp } from '../../bench/app';
import { PermissionMode } from '../../lib';
import { Grant, InvocationPath } from '../../lib/facts/model';
import { resAtom, sym } from '../../lib/facts/value';
import { GrantIndex } from '../../lib/rules/grant-index';
import { synthFindings } from '../helpers';

const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => undefined);

describe('bench app', () => {
  test('the generated app has no finding', () => {
    quiet();
    const app = new App();
    const shape = buildBenchApp(app, { routes: 120 });
    expect(shape).toMatchObject({ routes: 120, stacks: 10, nestedStacks: 2 });
    expect(shape.restMethods).toBeGreaterThan(0);
    expect(shape.httpRoutes).toBeGreaterThan(0);
    expect(shape.crossStackIntegrations).toBe(120);
    expect(synthFindings(app)).toEqual([]);
  });

  test('the missing-grants variant has one error per missing grant, and fix mode repairs them all', () => {
    quiet();
    const broken = new App();
    const shape = buildBenchApp(broken, { routes: 120, missingGrants: true });
    expect(shape.missingGrants).toBe(6);
    const errors = synthFindings(broken).filter((f) => f.level === 'error');
    expect(errors).toHaveLength(shape.missingGrants);

    const fixed = new App();
    buildBenchApp(fixed, { routes: 120, missingGrants: true });
    expect(synthFindings(fixed, { mode: PermissionMode.FIX }).filter((f) => f.level !== 'info')).toEqual([]);
  });
});

describe('GrantIndex', () => {
  const api = (id: string) => resAtom('S', id, 'Ref');
  const arn = (...rest: Array<string | ReturnType<typeof api>>) => sym('arn:aws:execute-api:us-east-1:111111111111:', ...rest);
  const grant = (name: string, ...sourceArns: Array<ReturnType<typeof arn>>): Grant => ({
    site: { stack: 'S', logicalId: name, resourceType: 'AWS::Lambda::Permission' },
    sourceArns: sourceArns.length ? sourceArns : undefined,
  } as unknown as Grant);
  const path = (a: ReturnType<typeof arn>): InvocationPath => ({ arn: a } as unknown as InvocationPath);

  test('a path sees the grants of its API, the unscoped ones and the wildcard ones, in their order', () => {
    const none = grant('None');
    const onA = grant('OnA', arn(api('A'), '/prod/GET/x'));
    const onB = grant('OnB', arn(api('B'), '/*/*'));
    const wild = grant('Wild', arn('*/prod/*'));
    const both = grant('Both', arn(api('B'), '/*'), arn(api('A'), '/*'));
    const idx = new GrantIndex([none, onA, onB, wild, both]);
    expect(idx.candidates(path(arn(api('A'), '/prod/GET/x'))).map((g) => g.site.logicalId)).toEqual(['None', 'OnA', 'Wild', 'Both']);
    expect(idx.candidates(path(arn(api('B'), '/prod/GET/x'))).map((g) => g.site.logicalId)).toEqual(['None', 'OnB', 'Wild', 'Both']);
    expect(idx.candidates(path(arn('abc123/prod/GET/x'))).map((g) => g.site.logicalId)).toEqual(['None', 'Wild']);
    expect(idx.candidates(path(sym('not an arn'))).map((g) => g.site.logicalId)).toEqual(['None', 'Wild']);
  });
});

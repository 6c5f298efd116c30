/**
 * Fix mode re-analyses its own rendering with the permissions it added (tree-analysis.ts
 * analyzeUpdatedTree): the facts of the first analysis are extended rather than built anew. Both
 * ways must give the same facts and findings, to the order, on every fixable case and on a slice of
 * the benchmark app.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { buildBenchApp } from '../../bench/app';
import { Finding, analyze } from '../../lib/engine';
import { Facts, extendFacts } from '../../lib/facts/build';
import { loadConstructTree, stackKeyOf, updateConstructTree } from '../../lib/facts/tree-loader';
import { FixStageScope, applyFixes } from '../../lib/fix';
import { analyzeTree, analyzeUpdatedTree } from '../../lib/tree-analysis';
import { FIXABLE, cfnMethod, restApi } from '../fix/fix-cases';
import { fn } from '../helpers';

const manyMethods = (app: App) => {
  const s = new Stack(app, 'Stack');
  const f = fn(s, 'Handler');
  const api = restApi(s);
  api.root.addResource('cdk').addMethod('GET', new apigw.LambdaIntegration(f));
  for (let i = 0; i < 40; i++) cfnMethod(s, `Get${i}`, api, api.root.addResource(`r${i}`).resourceId, 'GET', f.functionArn);
};

const CASES: Array<[string, (app: App) => void]> = [
  ...FIXABLE.map((c): [string, (app: App) => void] => [c.name, c.build]),
  ['40 uncovered methods of one function (consolidated grants)', manyMethods],
  ['benchmark app, 120 routes, every 20th without a permission', (app) => buildBenchApp(app, { routes: 120, missingGrants: true })],
];

/** What a finding says, without its fix plan's object graph (which belongs to one facts instance). */
const shown = (findings: Finding[]) => findings.map(({ fix, ...f }) => ({ ...f, fix: fix?.kind }));
const grantSites = (facts: Facts) => facts.grants.map((g) => `${g.site.stack}|${g.site.logicalId}|${g.site.propertyPath ?? ''}`);
const byFunction = (facts: Facts) => [...facts.grantsByFunction].map(([k, gs]) => [k, gs.map((g) => g.site.logicalId)]);

describe('extendFacts', () => {
  test.each(CASES)('%s: the same facts and findings as building them anew', (_name, build) => {
    const app = new App();
    build(app);
    const first = analyzeTree(app, new Map());
    const { tree } = first;
    const changes = applyFixes({ tree, facts: first.facts, findings: first.findings.filter((f) => f.fix), stageScope: FixStageScope.EXACT_STAGES });
    const added = changes.flatMap((c) => c.added ?? []);
    const modified = changes.flatMap((c) => (c.modified ? [c.modified] : []));
    expect(added.length).toBeGreaterThan(0);
    const again = analyzeUpdatedTree(first, added, modified, new Map());

    const full = analyze(tree.stacks);
    expect(shown(again.findings)).toEqual(shown(full.findings));
    if (modified.length > 0) return; // an overridden element: the tree analysis builds anew (tree-analysis.ts)
    const extended = extendFacts(first.facts, added.map((el) => ({ stack: stackKeyOf(el.stack), logicalId: el.stack.resolve(el.logicalId) })));
    expect(extended).toBeDefined();
    expect(grantSites(extended!)).toEqual(grantSites(full.facts));
    expect(byFunction(extended!)).toEqual(byFunction(full.facts));
    expect(extended!.resources('AWS::Lambda::Permission').map((r) => `${r.stack}|${r.id}`))
      .toEqual(full.facts.resources('AWS::Lambda::Permission').map((r) => `${r.stack}|${r.id}`));
    expect(extended!.invocations.length).toBe(full.facts.invocations.length);
  });

  test('anything added but permissions: built anew', () => {
    const app = new App();
    const s = new Stack(app, 'Stack');
    restApi(s).root.addMethod('GET');
    const tree = loadConstructTree(app);
    const { facts } = analyze(tree.stacks);
    const added = updateConstructTree(tree, [new apigw.CfnRestApi(s, 'Another', { name: 'another' })], []);
    expect(added).toEqual([{ stack: 'Stack', logicalId: 'Another' }]);
    expect(extendFacts(facts, added)).toBeUndefined();
  });
});

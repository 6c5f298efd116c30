/**
 * Resource Conditions in real CDK apps (`CfnCondition` + `cfnOptions.condition`): the Aspect (construct
 * tree) and the CLI's view of the synthesized templates report the same, and fix mode adds a permission
 * where the user's does not exist, never where it only may not (see `conditions.test.ts` for the rules).
 */
import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PermissionMode } from '../../lib';
import { addedPermissions, check, errors, synth } from '../fix/fix-harness';
import { fn, l1RestApi } from '../helpers';

// The CDK's own template validation warns about always-false conditions and conditional DependsOn targets.
beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const ENV = { account: '111111111111', region: 'eu-west-1' };
const COVERAGE = /^ApiGwLambda-(MissingPermission|QualifierMismatch|GrantMismatch|SourceArnMismatch|Unverifiable)$/;

type Cond = 'never' | 'here' | 'env';

/** A condition of the stack: false (`never`), true (`here`: the stack's own region), or a parameter's (`env`). */
function condition(s: Stack, c: Cond): CfnCondition {
  const id = `Cond${c}`;
  const existing = s.node.tryFindChild(id) as CfnCondition | undefined;
  if (existing) return existing;
  const expression = c === 'never' ? Fn.conditionEquals(s.region, 'us-east-1')
    : c === 'here' ? Fn.conditionEquals(s.region, 'eu-west-1')
      : Fn.conditionEquals(new CfnParameter(s, 'Env', { default: 'prod' }).valueAsString, 'prod');
  return new CfnCondition(s, id, { expression });
}

interface Opts {
  /** The permission's condition; `null`: no permission. */
  readonly perm?: Cond | null;
  readonly method?: Cond;
  /** The permission names its function by a parameter. */
  readonly unknownFunction?: boolean;
}

/** L1 `GET /items` (`Get`) → `Handler` on stage prod, and a `CfnPermission` `Perm` for `prod/GET/items`. */
function build(o: Opts): (app: App) => void {
  return (app) => {
    const s = new Stack(app, 'Stack', { env: ENV });
    const f = fn(s, 'Handler');
    const rest = l1RestApi(s, f.functionArn);
    if (o.method) rest.method.cfnOptions.condition = condition(s, o.method);
    if (o.perm === null) return;
    const perm = new lambda.CfnPermission(s, 'Perm', {
      action: 'lambda:InvokeFunction',
      functionName: o.unknownFunction ? new CfnParameter(s, 'FnArn').valueAsString : f.functionArn,
      principal: 'apigateway.amazonaws.com',
      sourceArn: rest.arn('prod/GET/items'),
    });
    if (o.perm) perm.cfnOptions.condition = condition(s, o.perm);
  };
}

const CASES: Array<[string, Opts, string[]]> = [
  ['false condition on the only permission', { perm: 'never' }, ['MissingPermission']],
  ['true condition on the only permission', { perm: 'here' }, []],
  ['parameter-dependent condition on the only permission', { perm: 'env' }, ['Unverifiable']],
  ['the same condition on the method and the permission', { perm: 'env', method: 'env' }, []],
  ['false condition on the method', { perm: null, method: 'never' }, []],
  ['the permission names its function by a parameter', { unknownFunction: true }, ['Unverifiable']],
];

describe.each(CASES)('%s', (_name, opts, expected) => {
  test('the Aspect and the CLI on the synthesized templates report the same', () => {
    const r = synth(build(opts), { props: { mode: PermissionMode.REPORT } });
    const aspect = r.annotations.filter((a) => a.path === '/Stack/Get' && COVERAGE.test(a.ruleId));
    expect(aspect.map((a) => a.ruleId.replace('ApiGwLambda-', ''))).toEqual(expected);
    expect(aspect.filter((a) => a.ruleId === 'ApiGwLambda-Unverifiable').every((a) => a.level === 'warning')).toBe(true);
    const cli = check(r.templates).filter((f) => f.logicalId === 'Get' && COVERAGE.test(f.ruleId));
    expect(cli.map((f) => f.ruleId.replace('ApiGwLambda-', ''))).toEqual(expected);
  });
});

test('an L2 method under a condition: the permissions the CDK adds are unconditional, nothing to report', () => {
  const r = synth((app) => {
    const s = new Stack(app, 'Stack', { env: ENV });
    const api = new apigw.RestApi(s, 'Api');
    api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'Handler')));
    (api.root.getResource('items')!.node.findChild('GET').node.defaultChild as apigw.CfnMethod).cfnOptions.condition = condition(s, 'env');
  }, { props: { mode: PermissionMode.REPORT } });
  expect(r.annotations).toEqual([]);
  expect(check(r.templates).map((f) => f.ruleId)).toEqual([]);
});

describe('fix mode', () => {
  test('a permission under a false condition does not exist: fix mode adds one, and nothing is left to report', () => {
    const fixed = synth(build({ perm: 'never' }), { props: { mode: PermissionMode.FIX } });
    expect(fixed.annotations.filter((a) => a.level === 'info' && a.path === '/Stack/Get').length).toBeGreaterThan(0);
    expect(addedPermissions(fixed.templates).map((p) => p.rest)).toEqual(['prod/GET/items']);
    // The added one is unconditional: it exists whatever the user's condition says.
    expect(addedPermissions(fixed.templates).map((p) => p.properties.Condition)).toEqual([undefined]);
    expect(errors(check(fixed.templates))).toEqual([]);
  });

  /*
   * A permission under a condition the templates do not settle was most likely put there on purpose
   * (grant only in prod, only in one region). Fix mode leaves it to the user: an unconditional grant
   * would silently defeat that condition, and rules.md lists Unverifiable as not fixable. The warning
   * stays and says the two ways out (make sure the condition holds, or give the method the same one).
   */
  test('a permission under an unknown condition: fix mode adds nothing and the warning stays', () => {
    const report = synth(build({ perm: 'env' }), { props: { mode: PermissionMode.REPORT } });
    const fixed = synth(build({ perm: 'env' }), { props: { mode: PermissionMode.FIX } });
    expect(fixed.raw).toEqual(report.raw);
    expect(addedPermissions(fixed.templates)).toEqual([]);
    expect(fixed.annotations.map((a) => `${a.level} ${a.ruleId} ${a.path}`)).toEqual(['warning ApiGwLambda-Unverifiable /Stack/Get']);
    expect(fixed.annotations[0].message).toContain('condition Condenv holds');
  });
});

/**
 * Fix-mode details: where permissions go (cross-stack, cycles, nested stacks), what they name
 * (alias ARN, tokens not literals), stage scope, policy-size consolidation, role grants,
 * acknowledgements, what stays reported, and a round trip through cloudformation-include.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, AspectPriority, Aws, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { ApiGatewayLambdaPermissions, ApiGatewayLambdaPermissionsProps, FixStageScope, PermissionMode } from '../../lib';
import { FIX_PLANNING_RULES, analyze } from '../../lib/engine';
import { applyFixes } from '../../lib/fix';
import { loadConstructTree } from '../../lib/facts/tree-loader';
import * as writtenLoader from '../../lib/facts/written-loader';
import { fn } from '../helpers';
import {
  ALIAS_MISMATCH, CROSS_STACK, CROSS_STACK_CYCLE, EXTRA_STAGE, FIXABLE, GOOD, NESTED_STACK, POST_FIX, REST_L1, cfnMethod, restApi,
} from './fix-cases';
import { addedPermissions, check, errors, fixResources, synth } from './fix-harness';

const FIX = { mode: PermissionMode.FIX };

describe('placement and references', () => {
  test('cross-stack function: the permission goes into the integration\'s stack and imports the function ARN', () => {
    const r = synth(CROSS_STACK.build, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(p.stack).toBe('ApiStack');
    expect(JSON.stringify(p.properties.FunctionName)).toContain('Fn::ImportValue');
    expect(p.properties.SourceArn['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: expect.stringMatching(/^Api/) }]));
  });

  test('a permission in the API stack would close a cycle: it goes into the function\'s stack instead', () => {
    const r = synth(CROSS_STACK_CYCLE.build, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(p.stack).toBe('FnStack');
    expect(p.properties.FunctionName).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Handler/), 'Arn'] });
    expect(JSON.stringify(p.properties.SourceArn)).toContain('Fn::ImportValue');
  });

  test('the cycle is seen through any resource that references the API stack, not only the ones the rules read', () => {
    const r = synth((app) => {
      const s = new Stack(app, 'ApiStack');
      const api = restApi(s);
      const fnStack = new Stack(app, 'FnStack');
      fn(fnStack, 'Handler', { functionName: 'fixed-name-handler' });
      new CfnResource(fnStack, 'ApiIdParam', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: api.restApiId } });
      const arn = `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:fixed-name-handler`;
      cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', arn);
    }, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(p.stack).toBe('FnStack');
  });

  test('nested stack: the permission goes into the nested stack and gets the parent\'s resources as parameters', () => {
    const r = synth(NESTED_STACK.build, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(p.stack).toBe('Stack/Nested');
    expect(JSON.stringify(p.properties)).toMatch(/"Ref":"referenceto/);
  });

  test('alias: FunctionName is the alias\'s own Ref (its ARN), so CloudFormation orders the permission after it', () => {
    const r = synth(ALIAS_MISMATCH.build, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(p.properties.FunctionName).toEqual({ Ref: expect.stringMatching(/^Live/) });
  });

  test('no literal API id or account: partition, region and account are the API stack\'s pseudo parameters', () => {
    const r = synth(REST_L1.build, { props: FIX });
    const [p] = addedPermissions(r.templates);
    const parts = p.properties.SourceArn['Fn::Join'][1];
    expect(parts).toEqual(expect.arrayContaining([{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]));
  });

  test('a stack with an environment: region and account are that environment\'s', () => {
    const r = synth((app) => {
      const s = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
      const api = restApi(s);
      cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', fn(s, 'Handler').functionArn);
    }, { props: FIX });
    const [p] = addedPermissions(r.templates);
    expect(JSON.stringify(p.properties.SourceArn)).toContain(':execute-api:eu-west-1:111111111111:');
    expect(errors(check(r.templates))).toEqual([]);
  });
});

describe('functions in another region than the API (semantics.md §2.1, C30)', () => {
  const env = (region: string) => ({ env: { account: '111111111111', region } });
  const ordersArn = 'arn:aws:lambda:eu-west-1:111111111111:function:orders';

  test('the SourceArn has the function\'s region and the API\'s account; the permission goes into a stack of the function\'s region', () => {
    // `orders` is defined in eu-west-1; a route of an existing API in us-east-1 integrates it by ARN.
    const build = (app: App) => {
      fn(new Stack(app, 'FnStack', env('eu-west-1')), 'Handler', { functionName: 'orders' });
      const s = new Stack(app, 'ApiStack', env('us-east-1'));
      const orders = lambda.Function.fromFunctionAttributes(s, 'Orders', { functionArn: ordersArn, sameEnvironment: false, skipPermissions: true });
      new apigwv2.HttpRoute(s, 'Route', {
        httpApi: apigwv2.HttpApi.fromHttpApiAttributes(s, 'Shared', { httpApiId: 'abc123' }),
        routeKey: apigwv2.HttpRouteKey.with('/items', apigwv2.HttpMethod.GET),
        integration: new HttpLambdaIntegration('Items', orders),
      });
    };
    const before = synth(build, { props: { mode: PermissionMode.REPORT } });
    expect(before.annotations.filter((a) => a.level === 'error').map((a) => a.message))
      .toEqual([expect.stringContaining('SourceArn arn:aws:execute-api:eu-west-1:111111111111:abc123/*/GET/items')]);

    const r = synth(build, { props: FIX });
    const [fnStack, apiStack] = ['FnStack', 'ApiStack'].map((k) => r.templates.find((t) => t.key === k)!);
    expect(fixResources(apiStack)).toEqual({});
    const added = Object.values(fixResources(fnStack));
    expect(added.map((x) => x.Properties.SourceArn)).toEqual(['arn:aws:execute-api:eu-west-1:111111111111:abc123/*/GET/items']);
    expect(added[0].Properties.FunctionName).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Handler/), 'Arn'] });
    expect(r.annotations.find((a) => a.level === 'info')?.message).toContain('SourceArn …:eu-west-1:…:abc123/*/GET/items');
    expect(errors(check(r.templates))).toEqual([]);
    expect(synth(build, { props: FIX, times: 2 }).raw).toEqual(r.raw);
  });

  test('no stack of the app is in the function\'s region: nothing is added (Lambda would refuse it) and the error stays', () => {
    const build = (app: App) => {
      const s = new Stack(app, 'ApiStack', env('us-east-1'));
      const api = new apigw.RestApi(s, 'Api');
      api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(lambda.Function.fromFunctionArn(s, 'Orders', ordersArn)));
    };
    const r = synth(build, { props: FIX });
    expect(fixResources(r.templates[0])).toEqual({});
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.ruleId)).toEqual(['ApiGwLambda-SourceArnMismatch']);
  });
});

describe('stage scope', () => {
  test.each([
    [FixStageScope.EXACT_STAGES, ['prod/GET/items/*']],
    [FixStageScope.ALL_STAGES, ['*/GET/items/*']],
  ])('%s', (scope, rests) => {
    const r = synth(REST_L1.build, { props: { ...FIX, fixStageScope: scope } });
    expect(addedPermissions(r.templates).map((p) => p.rest)).toEqual(rests);
    expect(errors(check(r.templates))).toEqual([]);
  });

  test('ALL_STAGES on an extra stage', () => {
    const r = synth(EXTRA_STAGE.build, { props: { ...FIX, fixStageScope: FixStageScope.ALL_STAGES } });
    expect(addedPermissions(r.templates).map((p) => p.rest)).toEqual(['*/GET/items']);
  });

  test('an invalid scope is rejected with a clear message', () => {
    expect(() => new ApiGatewayLambdaPermissions({ mode: PermissionMode.FIX, fixStageScope: 'SOME' as FixStageScope }))
      .toThrow(/Invalid fixStageScope 'SOME'.*EXACT_STAGES or FixStageScope.ALL_STAGES/);
  });
});

describe('policy size (§6.8, C31)', () => {
  const manyMethods = (n: number, cdkIntegrations = 0) => (app: App) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const api = restApi(s);
    for (let i = 0; i < cdkIntegrations; i++) api.root.addResource(`cdk${i}`).addMethod('GET', new apigw.LambdaIntegration(f));
    for (let i = 0; i < n; i++) cfnMethod(s, `Get${i}`, api, api.root.addResource(`r${i}`).resourceId, 'GET', f.functionArn);
  };

  test('a few uncovered methods: one narrow permission each', () => {
    const r = synth(manyMethods(5), { props: FIX });
    expect(addedPermissions(r.templates)).toHaveLength(5);
  });

  test('many uncovered methods: the added grants are consolidated into one API-wide statement', () => {
    const r = synth(manyMethods(40), { props: FIX });
    expect(addedPermissions(r.templates).map((p) => p.rest)).toEqual(['*/*/*']);
    expect(r.annotations.find((a) => a.path === '/Stack/Get7')?.message).toContain('consolidated to API-wide SourceArns');
    const findings = check(r.templates);
    expect(errors(findings)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'ApiGwLambda-PolicySizeLimit')).toEqual([]);
  });

  test('the existing statements alone exceed the limit: nothing of the user\'s is deleted, and it stays an error', () => {
    const build = manyMethods(1, 30);
    const before = synth(build, {});
    const r = synth(build, { props: FIX });
    const count = (t: typeof r.templates) => Object.values<any>(t[0].template.Resources ?? {}).filter((x) => x.Type === 'AWS::Lambda::Permission').length;
    expect(count(r.templates)).toBe(count(before.templates) + 1);
    expect(addedPermissions(r.templates).map((p) => p.rest)).toEqual(['*/*/*']);
    const sizeErrors = r.annotations.filter((a) => a.level === 'error' && a.ruleId === 'ApiGwLambda-PolicySizeLimit');
    expect(sizeErrors).toHaveLength(1); // the rule's error once, plus fix mode's explanation as info
    expect(r.annotations.filter((a) => a.level === 'info' && /fix mode cannot keep/.test(a.message))).toHaveLength(1);
  });
});

describe('what stays reported', () => {
  test('$LATEST cannot carry a policy: nothing is added and the error stays (C57)', () => {
    const r = synth((app) => {
      const s = new Stack(app, 'Stack');
      const api = restApi(s);
      cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', `${fn(s, 'Handler').functionArn}:$LATEST`);
    }, { props: FIX });
    expect(addedPermissions(r.templates)).toEqual([]);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.ruleId)).toEqual(['ApiGwLambda-QualifierMismatch']);
  });

  test('an acknowledged finding is not fixed', () => {
    const r = synth((app) => {
      REST_L1.build(app);
      Validations.of(app.node.findChild('Stack').node.findChild('GetItem'))
        .acknowledge({ id: 'ApiGwLambda-MissingPermission', reason: 'permission managed elsewhere' });
    }, { props: FIX });
    expect(addedPermissions(r.templates)).toEqual([]);
  });

  test('the Aspect added to one stack fixes only that stack', () => {
    const app = new App();
    for (const id of ['A', 'B']) {
      const s = new Stack(app, id);
      const api = restApi(s);
      cfnMethod(s, 'GetItems', api, api.root.addResource('items').resourceId, 'GET', fn(s, 'Handler').functionArn);
    }
    Aspects.of(app.node.findChild('A')).add(new ApiGatewayLambdaPermissions(FIX), { priority: AspectPriority.MUTATING });
    app.synth();
    const stacks = loadConstructTree(app).stacks;
    expect(addedPermissions(stacks).map((p) => p.stack)).toEqual(['A']);
  });
});

describe('credentials role (mode B, C35): lambda:InvokeFunction on the exact reference', () => {
  const build = (imported: boolean) => (app: App) => {
    const s = new Stack(app, 'Stack');
    const f = fn(s, 'Handler');
    const role = imported
      ? iam.Role.fromRoleArn(s, 'Role', 'arn:aws:iam::111111111111:role/existing')
      : new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    const api = new apigw.RestApi(s, 'Api');
    api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f, { credentialsRole: role }));
  };

  test('a role of the app gets a new AWS::IAM::Policy; the role itself is untouched', () => {
    const before = synth(build(false), {});
    expect(errors(check(before.templates)).map((e) => e.split(' @ ')[0])).toEqual(['ApiGwLambda-CredentialsRoleCannotInvoke']);
    const r = synth(build(false), { props: FIX });
    const res = r.templates[0].template.Resources ?? {};
    const added = Object.entries<any>(res).filter(([id]) => id.startsWith('ApiGwLambdaFixInvoke'));
    expect(added).toHaveLength(1);
    expect(added[0][1]).toMatchObject({
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: expect.stringMatching(/^Role/) }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Handler/), 'Arn'] } }] },
      },
    });
    const roleId = Object.keys(res).find((k) => res[k].Type === 'AWS::IAM::Role')!;
    expect(res[roleId]).toEqual(before.templates[0].template.Resources?.[roleId]);
    expect(errors(check(r.templates))).toEqual([]);
  });

  test('an imported role is never modified and stays reported', () => {
    const r = synth(build(true), { props: FIX });
    expect(Object.keys(r.templates[0].template.Resources ?? {}).filter((id) => id.startsWith('ApiGwLambdaFix'))).toEqual([]);
    expect(r.annotations.filter((a) => a.level !== 'info' && a.path.endsWith('/items/GET/Resource')).length).toBeGreaterThan(0);
  });

  test('caller passthrough (C37): a caller role of the app with execute-api:Invoke gets lambda:InvokeFunction', () => {
    const callerApp = (app: App) => {
      const s = new Stack(app, 'Stack');
      const api = new apigw.RestApi(s, 'Api');
      const method = api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(s, 'Handler'), { credentialsPassthrough: true }),
        { authorizationType: apigw.AuthorizationType.IAM });
      method.grantExecute(new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    };
    const before = synth(callerApp, { props: { mode: PermissionMode.REPORT } });
    expect(before.annotations.filter((a) => a.level === 'error').map((a) => a.ruleId)).toEqual(['ApiGwLambda-CallerCredentials']);
    const r = synth(callerApp, { props: FIX });
    expect(r.annotations.filter((a) => a.level !== 'info')).toEqual([]);
    expect(r.annotations.find((a) => a.level === 'info')?.message).toMatch(/^ApiGwLambda-CallerCredentials: fixed: added policy ApiGwLambdaFixInvokeCaller/);
    expect(errors(check(r.templates))).toEqual([]);
  });

  test('applyFixes can be driven directly with a grant-role plan (the FixPlan contract)', () => {
    const app = new App();
    build(false)(app);
    const tree = loadConstructTree(app);
    const { facts } = analyze(tree.stacks);
    const inv = facts.invocations.find((i) => i.credentials.mode === 'role')!;
    const roleSite = { stack: 'Stack', logicalId: Object.keys(tree.stacks[0].template.Resources!).find((k) => k.startsWith('Role') && tree.stacks[0].template.Resources![k].Type === 'AWS::IAM::Role')!, resourceType: 'AWS::IAM::Role' };
    const changes = applyFixes({
      tree, facts, stageScope: FixStageScope.EXACT_STAGES,
      findings: [{ ruleId: 'ApiGwLambda-CallerCredentials', severity: 'error', message: '', stackKey: inv.site.stack, logicalId: inv.site.logicalId,
        resourceType: inv.site.resourceType, fix: { kind: 'grant-role', invocation: inv, ref: inv.paths[0].ref, paths: inv.paths, role: roleSite } }],
    });
    expect(changes.map((c) => c.message)).toEqual([expect.stringMatching(/^fixed: added policy ApiGwLambdaFixInvoke\w+ in Stack granting lambda:InvokeFunction on Handler\w+ to the role$/)]);
  });
});

describe('what is left after fixing', () => {
  test('with nothing to fix, every rule still reports: the same findings as report mode', () => {
    const build = (app: App) => {
      const s = new Stack(app, 'Stack');
      const f = fn(s, 'Handler');
      new apigw.RestApi(s, 'Api').root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(f));
      // No SourceArn: any API of any account may invoke it (OverBroadPermission, which plans no fix).
      f.addPermission('AnyApi', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    };
    const shown = (r: ReturnType<typeof synth>) => r.annotations.map((a) => `${a.level} ${a.path} ${a.message}`).sort();
    const fixed = synth(build, { props: FIX });
    expect(fixed.annotations.map((a) => a.ruleId)).toContain('ApiGwLambda-OverBroadPermission');
    expect(shown(fixed)).toEqual(shown(synth(build, { props: { mode: PermissionMode.REPORT } })));
  });

  test('the rules fix mode runs first are all the rules whose findings plan a fix', () => {
    const planning = FIX_PLANNING_RULES.map((r) => r.id);
    for (const c of [...FIXABLE, ...GOOD]) {
      const app = new App();
      c.build(app);
      for (const f of analyze(loadConstructTree(app).stacks).findings) if (f.fix) expect(planning).toContain(f.ruleId);
    }
  });

  test('is analysed on the rendering the fix started from, with the fixes added: no template is read back', () => {
    const readBack = jest.spyOn(writtenLoader, 'loadWrittenTemplates');
    try {
      const r = synth(POST_FIX.build, { props: FIX });
      expect(addedPermissions(r.templates).map((p) => p.rest)).toEqual(['prod/GET/items']);
      expect(r.annotations.filter((a) => a.level !== 'info')).toEqual([]);
      expect(errors(check(r.templates))).toEqual([]);
      expect(readBack).not.toHaveBeenCalled();
    } finally {
      readBack.mockRestore();
    }
  });
});

describe('templates loaded with cloudformation-include', () => {
  const include = (synthesized: Record<string, any>) => {
    // The including stack adds its own bootstrap-version parameter and rule.
    const { Parameters: { BootstrapVersion: _p, ...parameters } = {}, Rules: { CheckBootstrapVersion: _r, ...rules } = {}, ...rest } = synthesized;
    const template = { ...rest, ...(Object.keys(parameters).length ? { Parameters: parameters } : {}), ...(Object.keys(rules).length ? { Rules: rules } : {}) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fix-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    return (app: App) => new CfnInclude(new Stack(app, 'Included'), 'T', { templateFile: file });
  };

  test('the fixed template re-checked in report mode has no error left', () => {
    const fixed = synth(REST_L1.build, { props: FIX });
    const again = synth(include(fixed.templates[0].template), { props: { mode: PermissionMode.REPORT } });
    expect(again.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  test('fix mode repairs an included (unfixed) template too', () => {
    const raw = synth(REST_L1.build, {});
    const fixed = synth(include(raw.templates[0].template), { props: FIX });
    expect(addedPermissions(fixed.templates).map((p) => p.rest)).toEqual(['prod/GET/items/*']);
    expect(errors(check(fixed.templates))).toEqual([]);
  });
});

describe('POST fix reaches the deployed stage', () => {
  test('setting IntegrationHttpMethod to POST gives the API a new deployment (the CDK hash ignores overrides)', () => {
    const deploymentIds = (props?: ApiGatewayLambdaPermissionsProps) => {
      const r = synth(POST_FIX.build, { props });
      const t = r.templates.find((x) => x.key === 'Stack')!;
      return Object.entries(t.template.Resources ?? {}).filter(([, v]) => v.Type === 'AWS::ApiGateway::Deployment').map(([k]) => k);
    };
    const before = deploymentIds();
    const after = deploymentIds({ mode: PermissionMode.FIX });
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(deploymentIds({ mode: PermissionMode.FIX })).toEqual(after); // still deterministic
  });
});

/**
 * ApiGwLambda-PolicySizeLimit: estimated size of one function reference's resource policy
 * (semantics.md §6.8, §7.6.12, C31). Real CDK apps through the Aspect, plus the calibration of the
 * size model against the real failure reports (numbers in lib/rules/policy-size-limit.ts).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildFacts } from '../../lib/facts/build';
import { refKey } from '../../lib/facts/function-ref';
import { Grant } from '../../lib/facts/model';
import { CfnTemplate } from '../../lib/facts/template';
import { POLICY_LIMIT, estimatePolicyBytes } from '../../lib/rules/policy-size-limit';
import { CORPUS, ReportedFinding, analyzeTemplates, fn, readTemplate, synthFindings } from '../helpers';

const RULE = 'ApiGwLambda-PolicySizeLimit';
const SEGMENTS = ['jobs', 'jobapplications', 'users', 'profiles', 'companies', 'reviews', 'messages', 'notifications', 'settings', 'invoices'];
const { GET, POST, PUT } = apigwv2.HttpMethod;

/** `n` REST resources `/jobs0`, `/jobapplications1`, … each with GET → `target` (two statements each by default). */
function restMethods(api: apigw.RestApi, target: lambda.IFunction, n: number, options: apigw.LambdaIntegrationOptions = {}): void {
  for (let i = 0; i < n; i++) api.root.addResource(`${SEGMENTS[i % SEGMENTS.length]}${i}`).addMethod('GET', new apigw.LambdaIntegration(target, options));
}

/** `paths` HTTP route paths, each with `methods` (one HttpRoute, and by default one statement, per method). */
function httpRoutes(api: apigwv2.HttpApi, target: lambda.IFunction, paths: number, methods: apigwv2.HttpMethod[],
  props: { scopePermissionToRoute?: boolean } = {}): void {
  const integration = new HttpLambdaIntegration('UserServiceAPIIntegration', target, props);
  for (let i = 0; i < paths; i++) api.addRoutes({ path: `/${SEGMENTS[i % SEGMENTS.length]}${i}`, methods, integration });
}

/** One REST API of `n` GET methods on one handler; names as in the sample-autonomous-cloud-coding-agents#852 report. */
function restApp(n: number, options: apigw.LambdaIntegrationOptions = {}): App {
  const app = new App();
  const stack = new Stack(app, 'BackgroundAgentStack');
  restMethods(new apigw.RestApi(stack, 'TaskApi'), fn(stack, 'TaskApiHandler'), n, options);
  return app;
}

/** The #19535 shape: stack UserServiceStack, HttpApi UserServiceAPI, one handler. */
function httpApp(paths: number, methods: apigwv2.HttpMethod[], props: { scopePermissionToRoute?: boolean } = {}): App {
  const app = new App();
  const stack = new Stack(app, 'UserServiceStack');
  httpRoutes(new apigwv2.HttpApi(stack, 'UserServiceAPI'), fn(stack, 'UserServiceHandler'), paths, methods, props);
  return app;
}

function sizeFindings(app: App): ReportedFinding[] {
  return synthFindings(app).filter((f) => f.ruleId === RULE);
}

/** Estimated policy bytes per function reference of a synthesized app (or templates). */
function estimates(templates: Array<{ key: string; template: CfnTemplate }>): Array<{ statements: number; bytes: number }> {
  const facts = buildFacts(templates.map((t) => ({ ...t, displayName: t.key })));
  const byRef = new Map<string, Grant[]>();
  for (const g of facts.grants) {
    if (g.source !== 'permission' || !g.ref) continue;
    byRef.set(refKey(g.ref), [...(byRef.get(refKey(g.ref)) ?? []), g]);
  }
  return [...byRef.values()].map((gs) => ({ statements: gs.length, bytes: estimatePolicyBytes(facts, gs) }));
}

function appEstimate(app: App, stackName: string): { statements: number; bytes: number } {
  const [only, ...rest] = estimates([{ key: stackName, template: app.synth().getStackByName(stackName).template }]);
  expect(rest).toEqual([]);
  return only;
}

describe(RULE, () => {
  describe('good', () => {
    test('10 REST methods on one function (20 statements)', () => {
      expect(sizeFindings(restApp(10))).toEqual([]);
    });

    test('31 REST methods with scopePermissionToMethod: false → one API-wide statement', () => {
      const app = restApp(31, { scopePermissionToMethod: false });
      expect(appEstimate(app, 'BackgroundAgentStack').statements).toBe(1);
      expect(sizeFindings(app)).toEqual([]);
    });

    test('30 HTTP paths × [PUT, GET, POST] with scopePermissionToRoute: false', () => {
      const app = httpApp(30, [PUT, GET, POST], { scopePermissionToRoute: false });
      expect(appEstimate(app, 'UserServiceStack').statements).toBe(1);
      expect(sizeFindings(app)).toEqual([]);
    });

    test('CDK\'s own books example (10 permissions over 3 handlers) and the consolidation integ tests', () => {
      for (const rel of ['aws-cdk/rest-restapi-books-many-methods.template.json', 'aws-cdk/rest-lambda-permission-consolidation.template.json',
        'aws-cdk/http-lambda-permission-consolidation.template.json', 'aws-cdk-examples/java-my-widget-service-expected.template.json']) {
        const found = analyzeTemplates([{ key: 'restapi-books-example', template: readTemplate(path.join(CORPUS, rel)) }]);
        expect(found.filter((f) => f.ruleId === RULE)).toEqual([]);
      }
    });
  });

  describe('bad', () => {
    test('31 REST method/function pairs × 2 statements (sample-autonomous-cloud-coding-agents#852) → error on the function', () => {
      const found = sizeFindings(restApp(31));
      expect(found.map((f) => [f.level, f.path])).toEqual([['error', '/BackgroundAgentStack/TaskApiHandler/Resource']]);
      expect(found[0].message).toContain('from 62 statements');
      expect(found[0].message).toMatch(/62 for API TaskApi\w* \(stack BackgroundAgentStack\)/);
      expect(found[0].message).toContain('scopePermissionToMethod: false');
      expect(found[0].message).toContain('scopePermissionToRoute: false');
      expect(found[0].message).toContain('PolicyLengthExceededException');
    });

    test('~30 HTTP route paths with [PUT, GET, POST] each, as in aws-cdk#19535 → error', () => {
      const found = sizeFindings(httpApp(30, [PUT, GET, POST]));
      expect(found.map((f) => [f.level, f.path])).toEqual([['error', '/UserServiceStack/UserServiceHandler/Resource']]);
      expect(found[0].message).toContain('from 90 statements');
    });

    test('19 REST methods (38 statements, above 80 %) → warning', () => {
      const found = sizeFindings(restApp(19));
      expect(found.map((f) => [f.level, f.path])).toEqual([['warning', '/BackgroundAgentStack/TaskApiHandler/Resource']]);
      expect(found[0].message).toContain('A few more methods or routes');
    });

    test('one function shared by APIs in two stacks: the message counts statements per API and stack (aws-cdk#35705)', () => {
      const app = new App();
      const shared = new Stack(app, 'Shared');
      const f = fn(shared, 'Fn');
      for (const id of ['Orders', 'Billing']) {
        const stack = new Stack(app, `${id}Stack`);
        restMethods(new apigw.RestApi(stack, `${id}Api`), f, 15);
      }
      const found = sizeFindings(app);
      expect(found.map((f) => [f.level, f.path])).toEqual([['error', '/Shared/Fn/Resource']]);
      expect(found[0].message).toMatch(/30 for API OrdersApi\w* \(stack OrdersStack\)/);
      expect(found[0].message).toMatch(/30 for API BillingApi\w* \(stack BillingStack\)/);
    });

    test('an alias behind many methods has its own policy: reported on the alias', () => {
      const app = new App();
      const stack = new Stack(app, 'Stack');
      const f = fn(stack, 'Fn');
      const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
      const api = new apigw.RestApi(stack, 'Api');
      restMethods(api, alias, 25);
      api.root.addMethod('GET', new apigw.LambdaIntegration(f));
      const found = sizeFindings(app);
      expect(found.map((x) => [x.level, x.path])).toEqual([['error', '/Stack/Live/Resource']]);
      expect(found[0].message).toContain('Fn9270CBC0:live');
    });
  });

  /*
   * Calibration against the real reports (semantics.md §6.8, §7.6.12). Measured with the model in
   * lib/rules/policy-size-limit.ts (CDK 2.276 logical ids):
   *   HTTP (#19535 names): 30 routes 13,287 B | 45 → 19,908 | 46 → 20,348 | 47 → 20,790 | 90 → 39,768
   *   REST (2 statements per method): 10 methods 9,113 B | 18 → 16,379 | 19 → 17,286 (warning) | 22 → 20,013 | 23 → 20,914 | 31 → 28,172
   *   books example: at most 4 statements on one handler, 1,853 B.
   */
  describe('calibration', () => {
    test('#19535: the reported 20,937 bytes is ~47 HTTP route statements; the model is within 2 %', () => {
      const at = (n: number) => appEstimate(httpApp(n, [GET]), 'UserServiceStack');
      const e47 = at(47);
      expect(e47.statements).toBe(47);
      expect(Math.abs(e47.bytes - 20937) / 20937).toBeLessThan(0.02);
      // 30 single-method routes deploy (the report's "around 30 routes" carry up to three methods each).
      const e30 = at(30);
      expect(e30.bytes).toBeLessThan(POLICY_LIMIT * 0.8);
    });

    test('REST: 31 pairs fail, 10 methods pass, thresholds at 19 (warning) and 23 (error) methods', () => {
      const bytes = (n: number) => appEstimate(restApp(n), 'BackgroundAgentStack').bytes;
      expect(bytes(31)).toBeGreaterThan(POLICY_LIMIT);
      expect(bytes(23)).toBeGreaterThan(POLICY_LIMIT);
      expect(bytes(22)).toBeLessThanOrEqual(POLICY_LIMIT);
      expect(bytes(19)).toBeGreaterThan(POLICY_LIMIT * 0.8);
      expect(bytes(18)).toBeLessThanOrEqual(POLICY_LIMIT * 0.8);
      expect(bytes(10)).toBeLessThan(POLICY_LIMIT / 2);
    });

    test('books example: largest handler policy is ~2 KB', () => {
      const sizes = estimates([{ key: 'restapi-books-example', template: readTemplate(path.join(CORPUS, 'aws-cdk/rest-restapi-books-many-methods.template.json')) }]);
      expect(sizes.reduce((a, s) => a + s.statements, 0)).toBe(10);
      expect(Math.max(...sizes.map((s) => s.bytes))).toBeLessThan(2500);
    });
  });
});

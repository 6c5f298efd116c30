/**
 * Generates a CDK app shaped like a platform team's monorepo: dozens of stacks, thousands of REST
 * methods and HTTP routes, a few hundred functions (some behind aliases) in shared function stacks
 * referenced across stacks, Lambda authorizers, and some APIs inside nested stacks.
 *
 * Everything is built with the L2 constructs people use (LambdaIntegration, HttpLambdaIntegration,
 * TokenAuthorizer, HttpLambdaAuthorizer), so the permissions are the ones the CDK really adds.
 * With `missingGrants`, every 20th route uses an integration that adds no permission (the gap the
 * checker exists for), which is what fix mode repairs.
 */
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface BenchAppOptions {
  /** REST methods + HTTP routes in the whole app. */
  readonly routes: number;
  /** Make every 20th route an integration without a permission. */
  readonly missingGrants?: boolean;
}

/** What was generated (printed with the results so the sizes are explicit). */
export interface BenchAppShape {
  routes: number;
  restMethods: number;
  httpRoutes: number;
  stacks: number;
  nestedStacks: number;
  functions: number;
  aliases: number;
  authorizers: number;
  /** Integrations whose function lives in another stack (each is a cross-stack reference). */
  crossStackIntegrations: number;
  /** Routes generated without a permission (missingGrants only). */
  missingGrants: number;
}

const ENV = { account: '111111111111', region: 'us-east-1' };
const ROUTES_PER_FUNCTION = 12;
const MISSING_EVERY = 20;
const AUTHORIZED_EVERY = 3;
const CODE = 'exports.handler = async () => ({ statusCode: 200, body: "ok" });';

/** Stack layout for a size: 10 stacks at 500 routes, 20 at 2,000, 80 at 8,000 (1 in 8 holds functions). */
export function layout(routes: number): { stacks: number; fnStacks: number; apiStacks: number; functions: number } {
  const stacks = Math.min(80, Math.max(10, Math.round(routes / 100)));
  const fnStacks = Math.max(2, Math.round(stacks / 8));
  return { stacks, fnStacks, apiStacks: stacks - fnStacks, functions: Math.max(8, Math.round(routes / ROUTES_PER_FUNCTION)) };
}

export function buildBenchApp(app: App, options: BenchAppOptions): BenchAppShape {
  const { fnStacks, apiStacks, functions } = layout(options.routes);
  const shape: BenchAppShape = {
    routes: 0, restMethods: 0, httpRoutes: 0, stacks: 0, nestedStacks: 0, functions: 0, aliases: 0, authorizers: 0,
    crossStackIntegrations: 0, missingGrants: 0,
  };

  // Shared function stacks: the handlers every API stack integrates (cross-stack references).
  const targets: lambda.IFunction[] = [];
  for (let s = 0; s < fnStacks; s++) {
    const stack = new Stack(app, `Functions${s}`, { env: ENV });
    shape.stacks++;
    for (let i = s; i < functions; i += fnStacks) {
      const fn = newFunction(stack, `Handler${i}`);
      shape.functions++;
      if (i % 3 === 0) {
        // A third of the integrations go through an alias (its own resource policy, semantics.md §6.5).
        targets.push(fn.addAlias('live'));
        shape.aliases++;
      } else {
        targets.push(fn);
      }
    }
  }

  let routeNo = 0;
  for (let a = 0; a < apiStacks; a++) {
    const count = Math.floor(options.routes / apiStacks) + (a < options.routes % apiStacks ? 1 : 0);
    const stack = new Stack(app, `Api${a}`, { env: ENV });
    shape.stacks++;
    // Every fourth API lives in a nested stack; its integrations then reach the function stacks
    // through the parent's parameters.
    let scope: Construct = stack;
    if (a % 4 === 3) {
      scope = new NestedStack(stack, 'Nested');
      shape.nestedStacks++;
    }
    const authFn = newFunction(scope, 'Authorizer');
    shape.functions++;
    shape.authorizers++;
    const pick = (n: number) => targets[(a * 7 + n) % targets.length];
    const ctx: RouteContext = { options, shape, pick, next: () => routeNo++ };
    if (a % 2 === 0) restApi(scope, count, authFn, ctx);
    else httpApi(scope, count, authFn, ctx);
  }
  return shape;
}

interface RouteContext {
  readonly options: BenchAppOptions;
  readonly shape: BenchAppShape;
  readonly pick: (n: number) => lambda.IFunction;
  readonly next: () => number;
}

function newFunction(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(CODE),
  });
}

const REST_SHAPE: Array<[string, boolean]> = [['GET', false], ['POST', false], ['GET', true], ['PUT', true], ['DELETE', true]];

function restApi(scope: Construct, count: number, authFn: lambda.IFunction, ctx: RouteContext): void {
  const api = new apigw.RestApi(scope, 'RestApi', { cloudWatchRole: false });
  const authorizer = new apigw.TokenAuthorizer(scope, 'TokenAuth', { handler: authFn });
  let resource: apigw.IResource | undefined;
  let item: apigw.IResource | undefined;
  for (let m = 0; m < count; m++) {
    const [verb, onItem] = REST_SHAPE[m % REST_SHAPE.length];
    if (m % REST_SHAPE.length === 0) {
      resource = api.root.addResource(`res${m / REST_SHAPE.length}`);
      item = resource.addResource('{id}');
    }
    const n = ctx.next();
    const fn = ctx.pick(m);
    if (Stack.of(fn) !== Stack.of(scope)) ctx.shape.crossStackIntegrations++;
    const missing = ctx.options.missingGrants && n % MISSING_EVERY === MISSING_EVERY - 1;
    const integration = missing ? rawRestIntegration(scope, fn) : new apigw.LambdaIntegration(fn);
    if (missing) ctx.shape.missingGrants++;
    (onItem ? item! : resource!).addMethod(verb, integration, m % AUTHORIZED_EVERY === 0 ? { authorizer } : {});
    ctx.shape.restMethods++;
    ctx.shape.routes++;
  }
}

/** A Lambda proxy integration written by hand: nothing adds the permission. */
function rawRestIntegration(scope: Construct, fn: lambda.IFunction): apigw.Integration {
  const stack = Stack.of(scope);
  return new apigw.Integration({
    type: apigw.IntegrationType.AWS_PROXY,
    integrationHttpMethod: 'POST',
    uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
  });
}

/** An HTTP route integration that binds the function without granting anything. */
class NoGrantLambdaIntegration extends apigwv2.HttpRouteIntegration {
  constructor(id: string, private readonly handler: lambda.IFunction) {
    super(id);
  }

  public bind(): apigwv2.HttpRouteIntegrationConfig {
    return {
      type: apigwv2.HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    };
  }
}

const HTTP_SHAPE: Array<[apigwv2.HttpMethod, boolean]> = [
  [apigwv2.HttpMethod.GET, false], [apigwv2.HttpMethod.POST, false], [apigwv2.HttpMethod.GET, true],
  [apigwv2.HttpMethod.PATCH, true], [apigwv2.HttpMethod.DELETE, true],
];

function httpApi(scope: Construct, count: number, authFn: lambda.IFunction, ctx: RouteContext): void {
  const api = new apigwv2.HttpApi(scope, 'HttpApi');
  const authorizer = new HttpLambdaAuthorizer('LambdaAuth', authFn, { responseTypes: [HttpLambdaResponseType.SIMPLE] });
  // One integration per function and API, shared by its routes (as people write it).
  const integrations = new Map<lambda.IFunction, apigwv2.HttpRouteIntegration>();
  for (let m = 0; m < count; m++) {
    const [method, onItem] = HTTP_SHAPE[m % HTTP_SHAPE.length];
    const base = `/res${Math.floor(m / HTTP_SHAPE.length)}`;
    const n = ctx.next();
    const fn = ctx.pick(m);
    if (Stack.of(fn) !== Stack.of(scope)) ctx.shape.crossStackIntegrations++;
    const missing = ctx.options.missingGrants && n % MISSING_EVERY === MISSING_EVERY - 1;
    let integration: apigwv2.HttpRouteIntegration;
    if (missing) {
      integration = new NoGrantLambdaIntegration(`Raw${m}`, fn);
      ctx.shape.missingGrants++;
    } else {
      integration = integrations.get(fn) ?? new HttpLambdaIntegration(`Fn${integrations.size}`, fn);
      integrations.set(fn, integration);
    }
    api.addRoutes({
      path: onItem ? `${base}/{id}` : base,
      methods: [method],
      integration,
      authorizer: m % AUTHORIZED_EVERY === 0 ? authorizer : undefined,
    });
    ctx.shape.httpRoutes++;
    ctx.shape.routes++;
  }
}

import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parse as parseYaml } from 'yaml';
import { ApiGatewayLambdaPermissions, ApiGatewayLambdaPermissionsProps } from '../lib';
import { Finding, analyze } from '../lib/engine';
import { CFN_YAML_TAGS } from '../lib/facts/cfn-yaml';
import { CfnTemplate, StackTemplate } from '../lib/facts/template';

export const CORPUS = path.resolve(__dirname, '../../shared/corpus/real');

/** A finding as reported through the Aspect: the annotation on a construct. */
export interface ReportedFinding {
  readonly level: 'error' | 'warning' | 'info';
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
}

/** A small inline function (Node 22). */
export function fn(scope: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    ...props,
  });
}

export function newStack(app: App = new App(), id = 'Stack', props: StackProps = {}): Stack {
  return new Stack(app, id, props);
}

/**
 * Adds the Aspect to the app, synthesizes it and returns every annotation whose text starts with
 * an `ApiGwLambda-` rule id. Synthesis errors from our own error annotations are expected: the CDK
 * only fails `cdk synth` in the CLI, `app.synth()` keeps going.
 */
export function synthFindings(app: App, props: ApiGatewayLambdaPermissionsProps = {}): ReportedFinding[] {
  Aspects.of(app).add(new ApiGatewayLambdaPermissions(props));
  const assembly = app.synth();
  const out: ReportedFinding[] = [];
  for (const stack of assembly.stacksRecursively) {
    for (const [type, level] of [['aws:cdk:error', 'error'], ['aws:cdk:warning', 'warning'], ['aws:cdk:info', 'info']] as const) {
      for (const e of stack.findMetadataByType(type)) {
        if (typeof e.data !== 'string') continue;
        const m = /^(ApiGwLambda-[A-Za-z]+): /.exec(e.data);
        if (!m) continue;
        out.push({ level, ruleId: m[1], path: e.path, message: e.data });
      }
    }
  }
  return out;
}

/** Rule ids reported, sorted (for compact table assertions). */
export function ruleIds(findings: readonly { ruleId: string }[]): string[] {
  return findings.map((f) => f.ruleId).sort();
}

/** Reads a template (JSON or YAML with short-form intrinsics) from a file. */
export function readTemplate(file: string): CfnTemplate {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  return parseYaml(text, { customTags: CFN_YAML_TAGS }) as CfnTemplate;
}

/** Runs the engine over plain templates (one stack per template, in a shared analysis). */
export function analyzeTemplates(templates: Array<{ key: string; template: CfnTemplate; account?: string; region?: string }>): Finding[] {
  const stacks: StackTemplate[] = templates.map((t) => ({
    key: t.key,
    displayName: t.key,
    template: t.template,
    account: t.account,
    region: t.region,
  }));
  return analyze(stacks).findings;
}

/** YAML short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …): moved to lib/facts/cfn-yaml.ts, re-exported here. */
export { CFN_YAML_TAGS };

/** An all-L1 REST API (no permission is added for you): `GET /items` → `target` on the given stages. */
export interface L1RestApi {
  readonly api: import('aws-cdk-lib/aws-apigateway').CfnRestApi;
  readonly method: import('aws-cdk-lib/aws-apigateway').CfnMethod;
  /** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<rest>` with the stack's own env values. */
  arn(rest: string): string;
}

/**
 * Builds `CfnRestApi` `Api` + resource `/items` + `CfnMethod` `Get` (AWS_PROXY to `target`, a function or alias ARN)
 * + one `CfnDeployment`/`CfnStage` per stage (default `prod`). Construct path of the method: `/<stack>/Get`.
 */
export function l1RestApi(stack: Stack, target: string, opts: { stages?: string[]; verb?: string; id?: string } = {}): L1RestApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const apigw = require('aws-cdk-lib/aws-apigateway') as typeof import('aws-cdk-lib/aws-apigateway');
  const p = opts.id ?? '';
  const api = new apigw.CfnRestApi(stack, `${p}Api`, { name: `${p}api` });
  const items = new apigw.CfnResource(stack, `${p}Items`, { restApiId: api.ref, parentId: api.attrRootResourceId, pathPart: 'items' });
  const method = new apigw.CfnMethod(stack, `${p}Get`, {
    restApiId: api.ref,
    resourceId: items.ref,
    httpMethod: opts.verb ?? 'GET',
    authorizationType: 'NONE',
    integration: {
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${target}/invocations`,
    },
  });
  const deployment = new apigw.CfnDeployment(stack, `${p}Deployment`, { restApiId: api.ref });
  deployment.addResourceDependency(method);
  for (const name of opts.stages ?? ['prod']) {
    new apigw.CfnStage(stack, `${p}Stage${name}`, { restApiId: api.ref, deploymentId: deployment.ref, stageName: name });
  }
  return {
    api,
    method,
    arn: (rest) => `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:${api.ref}/${rest}`,
  };
}

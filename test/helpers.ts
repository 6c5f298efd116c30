import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parse as parseYaml } from 'yaml';
import { ApiGatewayLambdaPermissions, ApiGatewayLambdaPermissionsProps } from '../lib';
import { Finding, analyze } from '../lib/engine';
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

/** YAML short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …) as their long forms. */
export const CFN_YAML_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'ImportValue', 'FindInMap', 'If', 'Equals', 'Not', 'And', 'Or',
  'Base64', 'Cidr', 'GetAZs', 'Condition',
].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (v: any) => {
    if (name === 'GetAtt' && typeof v === 'string') return { [key]: v.split('.') };
    return { [key]: v };
  };
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (v: any) => wrap(collection === 'scalar' ? v : (v as any).toJSON()),
  } as any));
});

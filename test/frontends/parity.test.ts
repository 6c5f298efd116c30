/**
 * One engine, three front-ends: for every app of the shared table, the Aspect's annotations, the
 * validation plugin's violations and the CLI's findings on the synthesized cdk.out (synthesized
 * WITHOUT the Aspect) are the same (rule id, construct path, message, severity).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Aspects, Stage, Validations } from 'aws-cdk-lib';
import { ApiGatewayLambdaChecks, ApiGatewayLambdaPermissions } from '../../lib';
import { acknowledgements } from '../../lib/cli/acknowledgements';
import { analyze } from '../../lib/engine';
import { loadInputs } from '../../lib/facts/assembly-loader';
import { CASES, CDK_CLI_CONTEXT, Triple, cleanup, sortTriples, tempDir, testApp } from './cases';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

type Quad = [...Triple, string];

function viaAspect(build: (app: any) => void): Quad[] {
  const app = testApp();
  build(app);
  // A Stage is synthesized before the App's Aspects run, so (as in any CDK app) the Aspect is added to each Stage too.
  for (const stage of app.node.findAll().filter((c): c is Stage => Stage.isStage(c) && c !== app)) {
    Aspects.of(stage).add(new ApiGatewayLambdaPermissions());
  }
  Aspects.of(app).add(new ApiGatewayLambdaPermissions());
  const out: Quad[] = [];
  for (const stack of app.synth().stacksRecursively) {
    for (const [type, level] of [['aws:cdk:error', 'error'], ['aws:cdk:warning', 'warning'], ['aws:cdk:info', 'info']] as const) {
      for (const e of stack.findMetadataByType(type)) {
        const m = typeof e.data === 'string' ? /^(ApiGwLambda-[A-Za-z]+): /.exec(e.data) : null;
        // addWarningV2 appends ` [ack: <id>]`: CDK decoration, not part of the message.
        if (m) out.push([m[1], e.path.replace(/^\//, ''), (e.data as string).slice(m[0].length).replace(/ \[ack: [^\]]+\]$/, ''), level]);
      }
    }
  }
  return out;
}

function viaCli(build: (app: any) => void, context?: Record<string, unknown>): Quad[] {
  const dir = tempDir('apigw-parity-cli');
  dirs.push(dir);
  const app = testApp(dir, context);
  build(app);
  app.synth();
  const input = loadInputs([dir]);
  const acked = acknowledgements(input);
  return analyze(input.stacks).findings.filter((f) => acked(f) === undefined)
    .map((f) => [f.ruleId, f.constructPath ?? `(no construct path for ${f.stackKey}|${f.logicalId})`, f.message, f.severity]);
}

function viaPlugin(build: (app: any) => void): Quad[] {
  const dir = tempDir('apigw-parity-plugin');
  dirs.push(dir);
  const app = testApp(dir);
  build(app);
  Validations.of(app).addPlugins(new ApiGatewayLambdaChecks(app));
  try {
    app.synth();
  } catch (e) {
    // In-memory apps (jest) throw on validation errors after writing the report.
    if (!/Validation failed|ValidationFailed|ApiGwLambda/.test(String(e))) throw e;
  }
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
  const out: Quad[] = [];
  for (const r of report.pluginReports.filter((p: any) => p.pluginName === 'ApiGwLambda')) {
    for (const v of r.violations ?? []) {
      for (const c of v.violatingConstructs ?? []) {
        out.push([v.ruleName, c.constructPath ?? '', v.description, v.severity === 'informational' ? 'info' : v.severity]);
      }
    }
  }
  return out;
}

describe.each(CASES)('$name', ({ build, expected }) => {
  let aspect: Quad[];
  beforeAll(() => {
    aspect = viaAspect(build);
  });

  test('the Aspect reports the expected rules', () => {
    expect(aspect.map((q) => q[0]).sort()).toEqual(expected);
  });

  test('the CLI on cdk.out reports exactly what the Aspect reports', () => {
    expect(sortTriples(viaCli(build) as any)).toEqual(sortTriples(aspect as any));
  });

  test('... also with path and asset metadata in the templates (as `cdk synth` writes them)', () => {
    expect(sortTriples(viaCli(build, CDK_CLI_CONTEXT) as any)).toEqual(sortTriples(aspect as any));
  });

  test('the validation plugin reports exactly what the Aspect reports', () => {
    expect(sortTriples(viaPlugin(build) as any)).toEqual(sortTriples(aspect as any));
  });
});

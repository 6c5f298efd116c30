/**
 * One measurement in a fresh process (forked by bench/run.ts): module caches, JIT state and peak
 * memory belong to this variant alone. Modules are loaded before the clock starts, so times are
 * app construction + synthesis (what `cdk synth` spends after start-up), or the CLI's analysis.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';

export type Variant = 'plain' | 'plain-missing' | 'report' | 'fix' | 'plugin' | 'cdk-nag' | 'parse' | 'cli';

export interface WorkerTask {
  readonly variant: Variant;
  readonly routes: number;
  /** Where synthesis writes (or, for `parse`/`cli`, the assembly to read). */
  readonly outdir: string;
  /**
   * `cdk synth` as users run it: no warm-up, aws-cdk-lib's built-in template validation on (its
   * default), and `processMs` counted from process start (Node bootstrap and module loading included).
   */
  readonly e2e?: boolean;
}

export interface WorkerResult {
  readonly variant: Variant;
  readonly routes: number;
  /** Construction + synthesis (or the CLI run / template parse). */
  readonly totalMs: number;
  /** e2e tasks: from process start to the end of synthesis. */
  readonly processMs?: number;
  /** CPU time (user + system, all threads) of the same region: steadier than wall time on a loaded machine. */
  readonly cpuMs?: number;
  readonly constructMs?: number;
  readonly synthMs?: number;
  /** Time inside loadConstructTree / loadWrittenTemplates + analyze (the engine), when the variant runs it. */
  readonly analysisMs?: number;
  /** Time inside the fixers (fix mode). */
  readonly fixMs?: number;
  readonly analyses?: number;
  /** Findings of the last analysis (sanity check: 0 on the clean app). */
  readonly findings?: number;
  readonly findingsByRule?: Record<string, number>;
  /** Validation plugins made synth throw (expected for cdk-nag: its rules flag the generated functions). */
  readonly validationFailed?: boolean;
  readonly maxRssMb: number;
  readonly shape?: unknown;
  readonly templates?: number;
  readonly error?: string;
}

/** Accumulates time spent in a module function, by replacing the export the other modules call through. */
function timeExport(mod: any, name: string, onDone: (ms: number, result: any) => void): void {
  const orig = mod?.[name];
  if (typeof orig !== 'function') return;
  mod[name] = function timed(this: unknown, ...args: unknown[]) {
    const t = performance.now();
    const result = orig.apply(this, args);
    onDone(performance.now() - t, result);
    return result;
  };
}

async function run(task: WorkerTask): Promise<WorkerResult> {
  const base = { variant: task.variant, routes: task.routes };
  if (task.variant === 'parse') return { ...base, ...parseTemplates(task.outdir) };
  if (task.variant === 'cli') return { ...base, ...(await runCli(task.outdir)) };

  // Load everything the variant uses before the clock starts (aws-cdk-lib loads submodules lazily).
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { buildBenchApp } = require('./app') as typeof import('./app');
  if (!task.e2e) {
    const built = new cdk.App({ outdir: fs.mkdtempSync(path.join(task.outdir, 'warm-')) });
    buildBenchApp(built, { routes: 10 }); // touches every construct module the real app uses
  }
  // Every variant loads the same modules: aws-cdk-lib, this checker and cdk-nag. What is loaded before
  // the clock changes how fast the synthesis after it runs (about 10 % at 8,000 routes, with a lower
  // peak RSS: V8 sizes its heap differently), so loading only a variant's own modules made cdk-nag's
  // variant, and ours, look cheaper than they are. Only what each variant *does* differs.
  // (The e2e run is `cdk synth` as users run it: it loads nothing extra.)
  const nag = task.e2e ? undefined : require('cdk-nag');
  const checker = task.e2e ? undefined : require('../lib');
  const ours = task.variant === 'report' || task.variant === 'fix' || task.variant === 'plugin';
  const lib = ours ? checker : undefined;
  let analysisMs = 0;
  let fixMs = 0;
  let analyses = 0;
  let findings: any[] | undefined;
  if (ours) {
    timeExport(require('../lib/facts/tree-loader'), 'loadConstructTree', (ms) => (analysisMs += ms));
    timeExport(require('../lib/facts/written-loader'), 'loadWrittenTemplates', (ms) => (analysisMs += ms));
    const engine = require('../lib/engine');
    for (const name of ['analyze', 'reanalyze']) {
      timeExport(engine, name, (ms, r) => {
        analysisMs += ms;
        analyses++;
        findings = r?.findings;
      });
    }
    timeExport(require('../lib/fix'), 'applyFixes', (ms) => (fixMs += ms));
  }

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const app = new cdk.App({ outdir: path.join(task.outdir, 'cdk.out') });
  const shape = buildBenchApp(app, { routes: task.routes, missingGrants: task.variant === 'plain-missing' || task.variant === 'fix' });
  switch (task.variant) {
    case 'report':
      cdk.Aspects.of(app).add(new lib.ApiGatewayLambdaPermissions());
      break;
    case 'fix':
      cdk.Aspects.of(app).add(new lib.ApiGatewayLambdaPermissions({ mode: lib.PermissionMode.FIX }));
      break;
    case 'plugin':
      cdk.Validations.of(app).addPlugins(new lib.ApiGatewayLambdaChecks(app));
      break;
    case 'cdk-nag':
      cdk.Validations.of(app).addPlugins(new nag.ServerlessChecks(app));
      break;
    default:
  }
  const t1 = performance.now();
  let validationFailed = false;
  try {
    silenced(() => app.synth());
  } catch (e) {
    // Validation plugins throw after their report is complete; anything else is a real failure.
    if (!/Validation failed/i.test(String((e as Error)?.message))) throw e;
    validationFailed = true;
  }
  const t2 = performance.now();
  return {
    ...base,
    totalMs: t2 - t0,
    processMs: task.e2e ? t2 : undefined,
    cpuMs: cpuMsSince(c0),
    constructMs: t1 - t0,
    synthMs: t2 - t1,
    analysisMs: lib ? analysisMs : undefined,
    fixMs: task.variant === 'fix' ? fixMs : undefined,
    analyses: lib ? analyses : undefined,
    findings: findings?.length,
    findingsByRule: findings ? countBy(findings.map((f) => `${f.ruleId}/${f.severity}`)) : undefined,
    validationFailed,
    maxRssMb: maxRssMb(),
    shape,
  };
}

/** The CLI's floor: read and JSON.parse every template of the assembly, nothing else. */
function parseTemplates(outdir: string): Omit<WorkerResult, 'variant' | 'routes'> {
  const dir = path.join(outdir, 'cdk.out');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.template.json')) continue;
    JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    n++;
  }
  return { totalMs: performance.now() - t0, cpuMs: cpuMsSince(c0), templates: n, maxRssMb: maxRssMb() };
}

async function runCli(outdir: string): Promise<Omit<WorkerResult, 'variant' | 'routes'>> {
  const cli = require('../lib/cli/main');
  let analysisMs = 0;
  let findings: any[] | undefined;
  timeExport(require('../lib/engine'), 'analyze', (ms, r) => {
    analysisMs += ms;
    findings = r?.findings;
  });
  const out: string[] = [];
  const io = {
    stdout: { write: (s: string) => (out.push(String(s)), true) },
    stderr: { write: (s: string) => (out.push(String(s)), true) },
    cwd: process.cwd(),
    env: {},
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await cli.main([path.join(outdir, 'cdk.out'), '--format', 'json'], io);
  const totalMs = performance.now() - t0;
  return {
    totalMs,
    cpuMs: cpuMsSince(c0),
    analysisMs,
    findings: findings?.length,
    error: typeof code === 'number' && code > 1 ? `exit code ${code}: ${out.join('').slice(0, 500)}` : undefined,
    maxRssMb: maxRssMb(),
  };
}

/** The CDK prints nothing on synth, but fix mode and plugins may log; keep the bench output a table. */
function silenced<T>(f: () => T): T {
  const write = process.stdout.write;
  const ewrite = process.stderr.write;
  process.stdout.write = (() => true) as any;
  process.stderr.write = (() => true) as any;
  try {
    return f();
  } finally {
    process.stdout.write = write;
    process.stderr.write = ewrite;
  }
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
}

if (!process.send) {
  // Run by hand (profiling): node -r ts-node/register --cpu-prof bench/worker.ts '{"variant":"report","routes":500,"outdir":"/tmp/x"}'
  const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  fs.mkdirSync(task.outdir, { recursive: true });
  run(task).then((r) => console.log(JSON.stringify({ ...r, shape: undefined })), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

process.once('message', (task: WorkerTask) => {
  run(task).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e) => process.send!({ variant: task.variant, routes: task.routes, totalMs: NaN, maxRssMb: maxRssMb(), error: String(e?.stack ?? e) },
      () => process.exit(0)),
  );
});

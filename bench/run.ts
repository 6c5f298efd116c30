/**
 * The benchmark harness (`npm run bench`). For each app size it runs every variant in a fresh
 * worker process, interleaved round by round (plain, report, fix, … then again), and reports
 * per-round ratios to plain synthesis measured side by side, so machine noise that hits a round
 * hits its baseline too. Medians over rounds.
 *
 * Environment: BENCH_SIZES (routes per app, default 500,2000,8000), BENCH_RUNS (rounds, default 3),
 * BENCH_VARIANTS (subset), BENCH_OUT (where results go, default bench/), BENCH_PROFILE=1 (node
 * --cpu-prof for the checker's variants, into BENCH_PROFILE_DIR or $TMPDIR/apigw-lambda-bench-profiles),
 * BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_FROM=results.json (re-format saved results; a comma-separated
 * list pools the rounds of several runs of the same code).
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { layout } from './app';
import { poolReports } from './pool';
import { Report, Sample, SizeStats, Target, formatReport } from './report';
import type { Variant, WorkerResult, WorkerTask } from './worker';

const ALL_VARIANTS: Variant[] = ['plain', 'report', 'plugin', 'cdk-nag', 'plain-missing', 'fix', 'parse', 'cli'];
/** Each variant's side-by-side baseline (also in report.ts). */
const BASELINE: Partial<Record<Variant, Variant>> = {
  report: 'plain', plugin: 'plain', 'cdk-nag': 'plain', fix: 'plain-missing', cli: 'parse',
};

interface Config {
  readonly sizes: number[];
  readonly runs: number;
  readonly variants: Variant[];
  readonly out: string;
  readonly profile: boolean;
  readonly timeoutMs: number;
}

function config(): Config {
  const sizes = (process.env.BENCH_SIZES ?? '500,2000,8000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const wanted = process.env.BENCH_VARIANTS?.split(',').map((s) => s.trim()) as Variant[] | undefined;
  const unknown = wanted?.filter((v) => !ALL_VARIANTS.includes(v)) ?? [];
  if (!sizes.length || !Number.isInteger(runs) || runs < 1 || unknown.length) {
    throw new Error(`Bad benchmark settings: BENCH_SIZES='${process.env.BENCH_SIZES ?? ''}' (comma-separated route counts), `
      + `BENCH_RUNS='${process.env.BENCH_RUNS ?? ''}' (integer ≥ 1), BENCH_VARIANTS unknown: ${unknown.join(', ') || '-'} `
      + `(expected some of ${ALL_VARIANTS.join(', ')})`);
  }
  let variants = wanted ? ALL_VARIANTS.filter((v) => wanted.includes(v)) : ALL_VARIANTS;
  // A ratio needs its baseline in the same rounds.
  variants = ALL_VARIANTS.filter((v) => variants.includes(v) || variants.some((w) => BASELINE[w] === v));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    runs,
    variants,
    out: path.resolve(process.env.BENCH_OUT ?? __dirname),
    profile: process.env.BENCH_PROFILE === '1',
    timeoutMs: Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000,
  };
}

/** Which front-ends exist in this checkout (they were built in parallel with the benchmark). */
function available(): Record<Variant, boolean> {
  const lib = require('../lib');
  let cli = false;
  try {
    cli = typeof require('../lib/cli/main').main === 'function';
  } catch {
    cli = false;
  }
  const fix = !!lib.PermissionMode?.FIX;
  return {
    plain: true,
    report: typeof lib.ApiGatewayLambdaPermissions === 'function',
    plugin: typeof lib.ApiGatewayLambdaChecks === 'function',
    'cdk-nag': true,
    'plain-missing': fix,
    fix,
    parse: cli,
    cli,
  };
}

export async function main(): Promise<void> {
  if (process.env.BENCH_FROM) {
    // Re-format saved results (after editing report.ts) without measuring again; several files: their rounds pooled.
    const saved = process.env.BENCH_FROM.split(',').map((f) => JSON.parse(fs.readFileSync(f.trim(), 'utf8')) as Report);
    write(poolReports(saved), path.resolve(process.env.BENCH_OUT ?? __dirname));
    return;
  }
  const cfg = config();
  const avail = available();
  const variants = cfg.variants.filter((v) => avail[v]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'apigw-lambda-bench-'));
  const started = performance.now();
  const load = [os.loadavg()[0]];
  console.log(`Benchmark: sizes ${cfg.sizes.join(', ')} routes; ${cfg.runs} interleaved round(s); ${os.cpus().length} CPU(s), `
    + `load ${load[0].toFixed(1)}; node ${process.version}`);
  for (const v of cfg.variants) if (!avail[v]) console.log(`  ${v}: n/a (not built yet)`);

  const sizes: SizeStats[] = [];
  try {
    for (const routes of cfg.sizes) {
      const dir = path.join(work, String(routes));
      fs.mkdirSync(dir);
      // `cdk synth` as users run it (default settings, from process start): the reference the
      // in-process ratios are put in perspective with. Also warms the disk cache and writes the
      // assembly the CLI variants read.
      const prep = await runWorker({ variant: 'plain', routes, outdir: dir, e2e: true }, cfg);
      if (prep.error) throw new Error(`Synthesis of the ${routes}-route app failed: ${prep.error}`);
      const samples: Sample[] = [];
      for (let r = 0; r < cfg.runs; r++) {
        // Rotate the order each round so no variant always runs right after another.
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        // The CLI reads the assembly of the prep run; measurement dirs are per variant.
        for (const variant of order) {
          const vdir = variant === 'parse' || variant === 'cli' ? dir : path.join(dir, variant);
          fs.mkdirSync(vdir, { recursive: true });
          const res = await runWorker({ variant, routes, outdir: vdir }, cfg);
          if (res.error) console.log(`  ${routes} ${variant}: ERROR ${res.error.split('\n')[0]}`);
          samples.push({ ...res, round: r });
          if (variant !== 'parse' && variant !== 'cli') fs.rmSync(vdir, { recursive: true, force: true });
        }
        process.stdout.write(`  ${routes} routes: round ${r + 1}/${cfg.runs} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
      sizes.push({ routes, layout: layout(routes), shape: prep.shape as any, samples, cdkSynth: prep });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  load.push(os.loadavg()[0]);

  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', node: process.version, loadStart: load[0], loadEnd: load[1] },
    config: { sizes: cfg.sizes, runs: cfg.runs, variants: cfg.variants },
    unavailable: cfg.variants.filter((v) => !avail[v]),
    wallSeconds: (performance.now() - started) / 1000,
    sizes,
  };
  write(report, cfg.out);
}

function write(report: Report, out: string): void {
  const text = formatReport(report);
  console.log(`\n${text.table}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ ...report, targets: text.targets }, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'results.md'), text.markdown);
  fs.writeFileSync(path.join(out, 'README-section.md'), text.readme);
  console.log(`Results written to ${path.relative(process.cwd(), out) || '.'}/results.{md,json} and README-section.md`);
  // BENCH_STRICT=1 (CI): a missed target fails the command.
  if (process.env.BENCH_STRICT === '1' && text.targets.some((t: Target) => t.pass === false)) process.exitCode = 1;
}

/**
 * Transpiles lib/ and bench/ to plain JavaScript under node_modules/.cache (so `aws-cdk-lib` still
 * resolves), and workers run that with plain `node`: no ts-node or source-map-support hooks, which
 * slow CDK's stack-trace capture and would inflate the plain-synthesis baseline.
 */
function compile(): string {
  const ts = require('typescript') as typeof import('typescript');
  const root = path.resolve(__dirname, '..');
  const out = path.join(root, 'node_modules', '.cache', 'apigw-lambda-bench');
  fs.rmSync(out, { recursive: true, force: true });
  const options: import('typescript').CompilerOptions = {
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true,
  };
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : walk(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
  for (const file of [...walk(path.join(root, 'lib')), ...walk(__dirname)]) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
  }
  return out;
}

let compiled: string | undefined;
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? path.join(os.tmpdir(), 'apigw-lambda-bench-profiles');

function runWorker(task: WorkerTask, cfg: Config): Promise<WorkerResult> {
  compiled ??= compile();
  const execArgv: string[] = [];
  if (cfg.profile && task.variant !== 'plain' && task.variant !== 'plain-missing') {
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${task.variant}-${task.routes}-${Date.now()}.cpuprofile`);
  }
  return new Promise((resolve) => {
    const child: ChildProcess = fork(path.join(compiled!, 'bench', 'worker.js'), [], {
      execArgv,
      // aws-cdk-lib's built-in CloudFormation validation is off in every variant alike (see results.md).
      env: task.e2e ? process.env : { ...process.env, CDK_VALIDATION: 'false' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result: WorkerResult | undefined;
    child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), cfg.timeoutMs);
    child.on('message', (m) => (result = m as WorkerResult));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(result ?? {
        variant: task.variant, routes: task.routes, totalMs: NaN, maxRssMb: NaN,
        error: `worker exited (${signal ?? code}) without a result${signal === 'SIGKILL' ? ' (timeout or out of memory)' : ''}: ${stderr.trim()}`,
      });
    });
    child.send(task);
  });
}

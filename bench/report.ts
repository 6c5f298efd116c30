/** Turns worker samples into side-by-side ratios, growth, peak memory and target checks (markdown). */
import type { Variant, WorkerResult } from './worker';

export type Sample = WorkerResult & { readonly round: number };

export interface SizeStats {
  readonly routes: number;
  readonly layout: { stacks: number; fnStacks: number; apiStacks: number; functions: number };
  readonly shape?: Record<string, number>;
  readonly samples: Sample[];
  /** One `cdk synth` as users run it (default settings, from process start). */
  readonly cdkSynth?: WorkerResult;
}

export interface Report {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; node: string; loadStart: number; loadEnd: number };
  readonly config: { sizes: number[]; runs: number; variants: Variant[] };
  /** How many runs of `npm run bench` these rounds come from (pool.ts); absent: one. */
  readonly pooled?: number;
  readonly unavailable: Variant[];
  readonly wallSeconds: number;
  readonly sizes: SizeStats[];
}

export interface Target {
  readonly name: string;
  readonly limit: string;
  readonly measured: string;
  /** undefined: not measurable in this run (variant not built, or one size only). */
  readonly pass?: boolean;
}

const BASELINE: Partial<Record<Variant, Variant>> = {
  report: 'plain', plugin: 'plain', 'cdk-nag': 'plain', fix: 'plain-missing', cli: 'parse',
};

export function median(xs: number[]): number | undefined {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function ok(s: SizeStats, v: Variant): Sample[] {
  return s.samples.filter((x) => x.variant === v && !x.error && Number.isFinite(x.totalMs));
}

export function medianOf(s: SizeStats, v: Variant, f: (x: Sample) => number | undefined): number | undefined {
  return median(ok(s, v).map((x) => f(x) ?? NaN));
}

/** Median over rounds of (variant / its baseline in the same round). */
export function ratio(s: SizeStats, v: Variant, metric: 'totalMs' | 'cpuMs' = 'totalMs'): number | undefined {
  const base = BASELINE[v];
  if (!base) return undefined;
  const b = new Map(ok(s, base).map((x) => [x.round, x[metric] ?? NaN]));
  return median(ok(s, v).filter((x) => b.has(x.round)).map((x) => (x[metric] ?? NaN) / b.get(x.round)!));
}

/** Median over rounds of (variant − baseline) in the same round, in ms. */
export function added(s: SizeStats, v: Variant): number | undefined {
  const base = BASELINE[v];
  if (!base) return undefined;
  const b = new Map(ok(s, base).map((x) => [x.round, x.totalMs]));
  return median(ok(s, v).filter((x) => b.has(x.round)).map((x) => x.totalMs - b.get(x.round)!));
}

const pct = (r: number | undefined) => (r === undefined ? 'n/a' : `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %`);
const secs = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const times = (r: number | undefined) => (r === undefined ? 'n/a' : `${r.toFixed(2)}×`);

export function formatReport(rep: Report): { table: string; markdown: string; readme: string; targets: Target[] } {
  const has = (v: Variant) => !rep.unavailable.includes(v) && rep.config.variants.includes(v);
  const na = (v: Variant) => (rep.unavailable.includes(v) ? 'n/a (not built yet)' : 'not run');
  const cell = (s: SizeStats, v: Variant) => (has(v) ? `${pct(ratio(s, v))} (${secs(medianOf(s, v, (x) => x.totalMs))})` : na(v));

  const lines: string[] = [];
  lines.push('| Routes (stacks, functions) | Plain synth | Report mode | Fix mode¹ | Validation plugin | cdk-nag ServerlessChecks | Engine analysis² | CLI vs. parse³ |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const s of rep.sizes) {
    const sh = s.shape ?? {};
    const analysis = medianOf(s, 'report', (x) => x.analysisMs);
    const plain = medianOf(s, 'plain', (x) => x.totalMs);
    lines.push(`| ${s.routes.toLocaleString('en-US')} (${sh.stacks ?? s.layout.stacks}+${sh.nestedStacks ?? 0} nested, ${sh.functions ?? s.layout.functions}) `
      + `| ${secs(plain)} | ${cell(s, 'report')} | ${cell(s, 'fix')} | ${cell(s, 'plugin')} | ${cell(s, 'cdk-nag')} `
      + `| ${has('report') ? `${secs(analysis)} (${analysis !== undefined && plain ? ((analysis / plain) * 100).toFixed(1) : '?'} % of synth)` : na('report')} `
      + `| ${has('cli') ? `${times(ratio(s, 'cli'))} (${secs(medianOf(s, 'cli', (x) => x.totalMs))} vs ${secs(medianOf(s, 'parse', (x) => x.totalMs))})` : na('cli')} |`);
  }
  const table = lines.join('\n');

  const e2eVariants = (['report', 'fix', 'plugin', 'cdk-nag'] as Variant[]).filter(has);
  const e2e: string[] = [`| Routes | \`cdk synth\`⁴ | ${e2eVariants.join(' | ')} |`, `|---|---|${e2eVariants.map(() => '---').join('|')}|`];
  for (const s of rep.sizes) {
    const base = s.cdkSynth?.processMs;
    e2e.push(`| ${s.routes.toLocaleString('en-US')} | ${secs(base)} | ${e2eVariants.map((v) => {
      const d = added(s, v);
      return d === undefined || !base ? 'n/a' : `${d >= 0 ? '+' : '−'}${Math.abs((d / base) * 100).toFixed(1)} %`;
    }).join(' | ')} |`);
  }

  const cpuVariants = (['report', 'fix', 'plugin', 'cdk-nag', 'cli'] as Variant[]).filter(has);
  const cpu: string[] = [`| Routes | ${cpuVariants.join(' | ')} |`, `|---|${cpuVariants.map(() => '---').join('|')}|`];
  for (const s of rep.sizes) {
    cpu.push(`| ${s.routes.toLocaleString('en-US')} | ${cpuVariants.map((v) => (v === 'cli' ? times(ratio(s, v, 'cpuMs')) : pct(ratio(s, v, 'cpuMs')))).join(' | ')} |`);
  }

  // Growth from the smallest to the largest size.
  const first = rep.sizes[0];
  const last = rep.sizes[rep.sizes.length - 1];
  const sizeRatio = last.routes / first.routes;
  const growthRows: Array<[string, Variant, (x: Sample) => number | undefined]> = [
    ['Plain synthesis', 'plain', (x) => x.totalMs],
    ['Report mode (synth + checks)', 'report', (x) => x.totalMs],
    ['Engine analysis in report mode²', 'report', (x) => x.analysisMs],
    ['Fix mode (synth + fixes)', 'fix', (x) => x.totalMs],
    ['Engine analysis + fixers in fix mode', 'fix', (x) => (x.analysisMs ?? 0) + (x.fixMs ?? 0)],
    ['Validation plugin', 'plugin', (x) => x.totalMs],
    ['cdk-nag ServerlessChecks', 'cdk-nag', (x) => x.totalMs],
    ['CLI on cdk.out', 'cli', (x) => x.totalMs],
    ['Read + parse templates', 'parse', (x) => x.totalMs],
  ];
  const growth = (v: Variant, f: (x: Sample) => number | undefined) => {
    const a = medianOf(first, v, f);
    const b = medianOf(last, v, f);
    return a && b ? b / a : undefined;
  };
  const g: string[] = [];
  g.push(`| Time of | ×${sizeRatio.toFixed(0)} routes (${first.routes.toLocaleString('en-US')} → ${last.routes.toLocaleString('en-US')}) | Growth ÷ size ratio |`);
  g.push('|---|---|---|');
  for (const [label, v, f] of growthRows) {
    if (!has(v)) continue;
    const x = growth(v, f);
    g.push(`| ${label} | ${times(x)} | ${x === undefined ? 'n/a' : (x / sizeRatio).toFixed(2)} |`);
  }

  const memVariants = (['plain', 'report', 'plain-missing', 'fix', 'plugin', 'cdk-nag', 'parse', 'cli'] as Variant[]).filter(has);
  const m: string[] = [];
  m.push(`| Routes | ${memVariants.join(' | ')} |`);
  m.push(`|---|${memVariants.map(() => '---').join('|')}|`);
  for (const s of rep.sizes) {
    m.push(`| ${s.routes.toLocaleString('en-US')} | ${memVariants.map((v) => {
      const mb = medianOf(s, v, (x) => x.maxRssMb);
      return mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`;
    }).join(' | ')} |`);
  }

  const targets = checkTargets(rep, has);
  const t: string[] = ['| Target | Limit | Measured (largest size) | |', '|---|---|---|---|'];
  for (const x of targets) t.push(`| ${x.name} | ${x.limit} | ${x.measured} | ${x.pass === undefined ? 'n/a' : x.pass ? 'pass' : '**FAIL**'} |`);

  const sanity: string[] = [];
  for (const s of rep.sizes) {
    for (const v of ['report', 'fix', 'plugin', 'cli', 'cdk-nag'] as Variant[]) {
      const x = ok(s, v)[0];
      if (!x) continue;
      const found = x.findings !== undefined ? `${x.findings} finding(s)${x.findingsByRule && Object.keys(x.findingsByRule).length ? ` ${JSON.stringify(x.findingsByRule)}` : ''}` : '';
      sanity.push(`- ${s.routes} routes, ${v}: ${found}${x.validationFailed ? ' (validation report failed synth, as expected for cdk-nag on these functions)' : ''}`.trimEnd());
    }
    const errors = s.samples.filter((x) => x.error);
    for (const e of errors) sanity.push(`- ${s.routes} routes, ${e.variant}: ERROR ${e.error!.split('\n')[0]}`);
  }

  const notes = [
    '¹ Fix mode runs on a variant of the app in which every 20th route has no permission; its baseline is plain synthesis of that variant.',
    '² Time inside the loader (report mode: reading the written templates back) + `analyze` during report-mode synthesis (the engine alone).',
    '³ The CLI analysing the synthesized cdk.out, against just reading and `JSON.parse`-ing its templates.',
    'Percentages: median over rounds of (variant ÷ plain synthesis in the same round); times in brackets are medians.',
    '"Synth" = constructing the app + `app.synth()` in a fresh process after modules are loaded (the same modules in every '
      + 'variant: aws-cdk-lib, this checker and cdk-nag), with aws-cdk-lib\'s built-in '
      + 'template validation off (`CDK_VALIDATION=false`) in every variant: the strictest baseline, the checker\'s raw cost.',
  ];
  const env = `${rep.machine.cpus} × ${rep.machine.cpuModel}, Node ${rep.machine.node}, load average ${rep.machine.loadStart.toFixed(1)} → ${rep.machine.loadEnd.toFixed(1)}; `
    + `${rep.config.runs} interleaved round(s)${rep.pooled && rep.pooled > 1 ? ` pooled from ${rep.pooled} runs` : ''}, `
    + `${rep.wallSeconds.toFixed(0)} s in total, ${rep.date.slice(0, 10)}`;
  const markdown = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.ts): ${env}.`,
    '',
    '## Overhead relative to plain synthesis',
    '',
    table,
    '',
    ...notes,
    '',
    '### Put in perspective: added time relative to `cdk synth` as users run it',
    '',
    e2e.join('\n'),
    '',
    '⁴ One run per size of the plain app in a fresh `node` process with default settings, timed from process start to the end of '
      + '`app.synth()`: Node start-up, loading aws-cdk-lib, construction, synthesis and aws-cdk-lib\'s built-in CloudFormation template '
      + 'validation (on by default since 2.27x; `CDK_VALIDATION=false` turns it off). The added time is the side-by-side median above.',
    '',
    '### The same ratios on CPU time (user + system of the worker, all threads)',
    '',
    cpu.join('\n'),
    '',
    '## Growth',
    '',
    g.join('\n'),
    '',
    '## Peak memory (max RSS of the worker process)',
    '',
    m.join('\n'),
    '',
    '## Targets',
    '',
    t.join('\n'),
    '',
    '## Sanity checks',
    '',
    ...(sanity.length ? sanity : ['- none']),
    '',
    '## Generated apps',
    '',
    ...rep.sizes.map((s) => `- ${s.routes} routes: ${JSON.stringify(s.shape ?? s.layout)}`),
    '',
  ].join('\n');

  const readme = [
    '## Performance',
    '',
    'The checker rides on `cdk synth`, so it has to stay small next to it. `npm run bench` generates monorepo-shaped apps',
    '(REST methods and HTTP routes over 10–80 stacks, a few hundred functions, aliases, Lambda authorizers, nested stacks,',
    'cross-stack references) and measures each front-end against plain synthesis of the same app, in fresh processes,',
    'interleaved round by round. Latest results (' + env + '):',
    '',
    table,
    '',
    ...notes,
    '',
    'The same added time relative to `cdk synth` as users run it (fresh process, default settings, module loading and '
      + 'aws-cdk-lib\'s built-in template validation included):',
    '',
    e2e.join('\n'),
    '',
    '⁴ One run per size, from process start to the end of `app.synth()`; the added time is the side-by-side median above.',
    '',
    t.join('\n'),
    '',
    'Where the time goes: report mode and the validation plugin read the templates synthesis wrote and analyse them '
      + '(no second rendering of the app), so their cost is the analysis plus a JSON parse. Fix mode must add grants before '
      + 'synthesis: it renders the construct tree to CloudFormation (the resources the rules read), analyses, repairs, and '
      + 'runs the rules again on that rendering with the added grants (the facts of the first analysis, extended) — one '
      + 'rendering, one set of facts, the rules twice.',
    '',
    'Full tables (growth, peak memory): [bench/results.md](bench/results.md). Quick runs: `BENCH_SIZES=500 BENCH_RUNS=1 npm run bench`.',
    '',
  ].join('\n');

  const full = [table, '', ...notes, '', e2e.join('\n'), '', g.join('\n'), '', m.join('\n'), '', t.join('\n'), '', ...sanity].join('\n');
  return { table: full, markdown, readme, targets };
}

function checkTargets(rep: Report, has: (v: Variant) => boolean): Target[] {
  const first = rep.sizes[0];
  const last = rep.sizes[rep.sizes.length - 1];
  const out: Target[] = [];
  const report = has('report') ? ratio(last, 'report') : undefined;
  const nag = has('cdk-nag') ? ratio(last, 'cdk-nag') : undefined;
  const fix = has('fix') ? ratio(last, 'fix') : undefined;
  out.push({ name: 'Report mode overhead', limit: '≤ +10 %', measured: pct(report), pass: report === undefined ? undefined : report <= 1.10 });
  out.push({
    name: 'Report mode vs. cdk-nag ServerlessChecks', limit: 'less', measured: `${pct(report)} vs ${pct(nag)}`,
    pass: report === undefined || nag === undefined ? undefined : report < nag,
  });
  out.push({ name: 'Fix mode overhead', limit: '≤ +20 %', measured: pct(fix), pass: fix === undefined ? undefined : fix <= 1.20 });
  const a = has('report') ? medianOf(first, 'report', (x) => x.analysisMs) : undefined;
  const b = has('report') ? medianOf(last, 'report', (x) => x.analysisMs) : undefined;
  const sizeRatio = last.routes / first.routes;
  const growth = a && b && rep.sizes.length > 1 ? b / a / sizeRatio : undefined;
  out.push({
    name: 'Analysis time growth', limit: '≤ 1.3 × size ratio',
    measured: growth === undefined ? 'n/a (needs two sizes)' : `${(b! / a!).toFixed(1)}× for ${sizeRatio.toFixed(0)}× routes = ${growth.toFixed(2)} × size ratio`,
    pass: growth === undefined ? undefined : growth <= 1.3,
  });
  const cli = has('cli') ? ratio(last, 'cli') : undefined;
  out.push({ name: 'CLI vs. read + parse of the templates', limit: '≤ 3×', measured: times(cli), pass: cli === undefined ? undefined : cli <= 3 });
  return out;
}

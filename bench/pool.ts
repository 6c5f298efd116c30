import { Report, SizeStats } from './report';

/**
 * Several saved runs of the same code as one report: every round of every run, renumbered so that a
 * variant is still paired with its baseline of the same round. On a noisy machine one run's three
 * rounds move the medians by more than the checker costs; pooling runs (`BENCH_FROM=a.json,b.json`)
 * gives medians over more rounds without selecting any.
 */
export function poolReports(reports: readonly Report[]): Report {
  if (reports.length === 1) return reports[0];
  const first = reports[0];
  const sizesOf = (r: Report) => r.sizes.map((s) => s.routes).join(',');
  for (const r of reports) {
    if (sizesOf(r) !== sizesOf(first)) {
      throw new Error(`Cannot pool benchmark runs of different sizes (${sizesOf(first)} and ${sizesOf(r)} routes)`);
    }
  }
  let offset = 0;
  const sizes: SizeStats[] = first.sizes.map((s) => ({ ...s, samples: [] }));
  for (const r of reports) {
    r.sizes.forEach((s, i) => sizes[i].samples.push(...s.samples.map((x) => ({ ...x, round: x.round + offset }))));
    offset += r.config.runs;
  }
  return {
    date: reports[reports.length - 1].date,
    machine: { ...first.machine, loadEnd: reports[reports.length - 1].machine.loadEnd },
    config: { ...first.config, runs: offset },
    pooled: reports.reduce((n, r) => n + (r.pooled ?? 1), 0),
    unavailable: first.unavailable,
    wallSeconds: reports.reduce((n, r) => n + r.wallSeconds, 0),
    // Each run made one `cdk synth` per size: keep the median of them by process time (the lower middle of two).
    sizes: sizes.map((s, i) => ({ ...s, cdkSynth: medianSynth(reports.map((r) => r.sizes[i].cdkSynth)) })),
  };
}

function medianSynth(runs: ReadonlyArray<SizeStats['cdkSynth']>): SizeStats['cdkSynth'] {
  const ok = runs.filter((r) => r?.processMs !== undefined).sort((a, b) => a!.processMs! - b!.processMs!);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : runs[0];
}

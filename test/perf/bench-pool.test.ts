/**
 * Pooling saved benchmark runs (bench/pool.ts, `BENCH_FROM=a.json,b.json`): every round of every run
 * is kept and still paired with its own baseline, nothing is selected.
 */
import { poolReports } from '../../bench/pool';
import { Report, Sample, ratio } from '../../bench/report';

function run(ratios: number[], synthMs: number): Report {
  const samples: Sample[] = ratios.flatMap((r, round) => [
    { variant: 'plain', routes: 500, round, totalMs: 1000, maxRssMb: 1 },
    { variant: 'report', routes: 500, round, totalMs: 1000 * r, maxRssMb: 1 },
  ]);
  return {
    date: '2026-11-21T00:00:00Z',
    machine: { cpus: 2, cpuModel: 'x', node: 'v20', loadStart: 1, loadEnd: 2 },
    config: { sizes: [500], runs: ratios.length, variants: ['plain', 'report'] },
    unavailable: [],
    wallSeconds: 10,
    sizes: [{
      routes: 500, layout: { stacks: 1, fnStacks: 1, apiStacks: 1, functions: 1 }, samples,
      cdkSynth: { variant: 'plain', routes: 500, totalMs: synthMs, processMs: synthMs, maxRssMb: 1 },
    }],
  };
}

describe('poolReports', () => {
  test('keeps every round of every run, paired with its own baseline', () => {
    const pooled = poolReports([run([1.1, 1.2, 1.3], 3000), run([1.0, 1.4], 1000), run([1.05], 2000)]);
    expect(pooled.config.runs).toBe(6);
    expect(pooled.pooled).toBe(3);
    expect(pooled.wallSeconds).toBe(30);
    expect(pooled.sizes[0].samples.map((s) => s.round)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Median of the six per-round ratios (1.0, 1.05, 1.1, 1.2, 1.3, 1.4).
    expect(ratio(pooled.sizes[0], 'report')).toBeCloseTo(1.15);
    // The runs' `cdk synth` of median process time.
    expect(pooled.sizes[0].cdkSynth?.processMs).toBe(2000);
  });

  test('refuses runs of different sizes', () => {
    const other = { ...run([1.1], 1000), sizes: [{ ...run([1.1], 1000).sizes[0], routes: 2000 }] };
    expect(() => poolReports([run([1.1], 1000), other])).toThrow('Cannot pool benchmark runs of different sizes (500 and 2000 routes)');
  });
});

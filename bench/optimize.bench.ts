import { performance } from 'node:perf_hooks';
import { parseObjectives } from '../src/optimize/objective.ts';
import { OptunaSampler } from '../src/optimize/optuna-sampler.ts';
import { runStudy } from '../src/optimize/run-study.ts';
import { shareBars } from '../src/optimize/shared-bars.ts';
import { TrialPool } from '../src/optimize/trial-pool.ts';
import { benchBars } from './bars-dataset.ts';
import { fmtRate, peakRssMiB, writeBenchJson } from './bench-util.ts';

const BARS = 100_000;
const config = { strategy: 'ma-cross', data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
// 10 fast × 100 slow values = 1,000 feasible ma-cross parameter sets.
const space = { params: { fast: { type: 'int' as const, low: 2, high: 20, step: 2 }, slow: { type: 'int' as const, low: 25, high: 223, step: 2 } } };

/** Optimize workload: 1,000 ma-cross backtests over 100,000 bars on 2 workers, plus Optuna TPE overhead. */
export async function optimizeBench(): Promise<Record<string, unknown>> {
  const bars = shareBars([benchBars(BARS)]);
  const t0 = performance.now();
  const pool = new TrialPool(bars, 'ma-cross', 2);
  await pool.run({ number: -1, params: { fast: 10, slow: 30 }, config, objectives: parseObjectives('sharpe'), limits: {}, returnBuckets: 0 });
  const startup = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const study = await runStudy({ config, space, sampler: 'grid', objectives: parseObjectives('sharpe'), seed: 1 }, pool);
  const wall = (performance.now() - t1) / 1000;
  // Optuna TPE overhead per trial: ask + tell round trips with trivial objective values, no backtests.
  const tpeTrials = 200;
  const tpe = new OptunaSampler(space, { sampler: 'tpe', directions: ['maximize'], seed: 1, trials: tpeTrials, study: 'bench' });
  const t2 = performance.now();
  for (let i = 0; i < tpeTrials; i++) {
    const [p] = await tpe.ask(1);
    await tpe.tell([{ proposal: p, outcome: { state: 'complete', values: [-((Number(p.params.fast) - 8) ** 2) - (Number(p.params.slow) - 100) ** 2 / 100] } }]);
  }
  const tpeMs = (performance.now() - t2) / tpeTrials;
  await tpe.close();
  await pool.close();
  const figures = {
    trials: study.trials.length, barsPerTrial: BARS, workers: 2, wallSeconds: wall, workerStartupSeconds: startup,
    barEvaluationsPerSec: (study.trials.length * BARS) / wall, tpeOverheadMsPerTrial: tpeMs, peakRssMiB: peakRssMiB(),
    pbo: study.overfitting?.pbo ?? null, targets: { wallSeconds: 10 },
  };
  const out = writeBenchJson('optimize', figures);
  console.log([
    `optimize: ${study.trials.length} ma-cross backtests × ${BARS.toLocaleString()} bars on 2 workers`,
    `  wall              ${wall.toFixed(2)} s   (target ≤ 10 s; worker start-up ${startup.toFixed(2)} s not included)`,
    `  bar evaluations   ${fmtRate(figures.barEvaluationsPerSec)}/s`,
    `  Optuna TPE        ${tpeMs.toFixed(1)} ms per trial (ask + tell, ${tpeTrials} trials, 2 params)`,
    `  → ${out}`,
  ].join('\n'));
  return figures;
}

import { performance } from 'node:perf_hooks';
import type { StudyResult } from '../src/optimize/run-study.ts';
import { openVectorbtRanking } from './vectorbt-peer.ts';

/**
 * Lockstep's Sharpe ratio as vectorbt states it. Ours is over a curve's k one-bar returns;
 * vectorbt's returns start with the first bar's against the initial cash (0 here: no position
 * before the first order), so it has k + 1 of them. From our ratio S, annual volatility V and
 * periods per year P: the sample deviation sd = V/√P, the mean m = S·sd/√P and the squared
 * deviations ss = sd²(k − 1); with the extra 0 the mean is k·m/(k + 1) and the squared
 * deviations ss + k·m²/(k + 1), over k.
 */
export function sharpeWithLeadingZero(sharpe: number, volatility: number, periodsPerYear: number, k: number): number {
  const root = Math.sqrt(periodsPerYear);
  const sd = volatility / root;
  const mean = (sharpe * sd) / root;
  const ss = sd * sd * (k - 1) + (k * mean * mean) / (k + 1);
  return ((k * mean) / (k + 1) / Math.sqrt(ss / k)) * root;
}

/**
 * The same 1,000 pairs ranked by the study's own objective on both sides: our study (Sharpe
 * ratio, with its core metrics and CSCV) on the compiled workers, then vectorbt's final values
 * and Sharpe ratios in broadcasts of 250 pairs and the best pair. One round (vectorbt's
 * ranking takes ~1 min). Where the final values agree to 1e-9 (the same fills), the Sharpe
 * ratios are compared after sharpeWithLeadingZero: 466 of 509 agreed to 1e-9 and all to
 * 1.1e-6 relative when this was written. Not traced further; a likely cause: a position of 1
 * on 100,000 of cash moves the equity by ~1e-6 a bar, so a one-bar return keeps ~10 fewer
 * significant digits than the equity it comes from, and any equity value the two sides
 * round differently is magnified by as much.
 */
export async function rankedRound(csv: string, first: StudyResult, bars: number, study: () => Promise<StudyResult>): Promise<Record<string, unknown>> {
  const pairs = first.trials.map((t) => [Number(t.params.fast), Number(t.params.slow)] as const);
  const vbt = await openVectorbtRanking(csv, pairs);
  const t = performance.now();
  const ours = await study();
  const lockstepSeconds = (performance.now() - t) / 1000;
  const v = await vbt.run();
  const { peakRssMiB } = await vbt.close();
  const final = v.final as number[];
  const sharpe = v.sharpe as number[];
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  const sameFills = ours.trials.filter((r, i) => close(r.finalValue, final[i]));
  // The largest relative difference of the Sharpe ratios where the fills are the same (the final values equal).
  const sharpeMaxRelDiff = Math.max(...sameFills.map((r) => {
    const theirs = sharpe[ours.trials.indexOf(r)];
    return Math.abs(sharpeWithLeadingZero(r.values[0], r.metrics!.volatility, r.metrics!.periodsPerYear, bars - 1) - theirs) / Math.abs(theirs);
  }));
  const vectorbtSeconds = Number(v.seconds);
  return {
    lockstepSeconds, vectorbtSeconds, ratio: vectorbtSeconds / lockstepSeconds, warmupSeconds: vbt.ready.warmupSeconds, peakRssMiB,
    pairsPerBroadcast: 250, finalEqual: sameFills.length, sharpeMaxRelDiff,
    best: ours.best?.params ?? null, vectorbtBest: { fast: pairs[v.best as number][0], slow: pairs[v.best as number][1] },
  };
}

import { mean, sampleStd } from './mean-std.ts';

/** A strategy's returns against a benchmark's, period by period (same length, same periods). */
export interface RelativeStats {
  /** Annualized standard deviation of the active returns r − b (ddof = 1). */
  readonly trackingError: number;
  /** Annualized mean active return over its standard deviation: mean(r − b) / std(r − b) · √periods. */
  readonly informationRatio: number;
  /**
   * Up capture, as empyrical: the strategy's annual return over the periods the benchmark
   * rose, divided by the benchmark's annual return over the same periods (> 1: it gained
   * more than the benchmark when the benchmark gained).
   */
  readonly upCapture: number;
  /** Down capture: the same over the periods the benchmark fell (< 1: it lost less). */
  readonly downCapture: number;
}

/** Compound annual return of `r` as empyrical's annual_return: (∏(1 + r))^(periods / n) − 1. */
function annualReturn(r: readonly number[], periodsPerYear: number): number {
  if (r.length === 0) return Number.NaN;
  let growth = 1;
  for (const x of r) growth *= 1 + x;
  return growth ** (periodsPerYear / r.length) - 1;
}

/** Annual return of the strategy over the benchmark's over the periods `keep` selects. */
function capture(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear: number, keep: (b: number) => boolean): number {
  const r: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < returns.length; i++) {
    if (!keep(benchmark[i])) continue;
    r.push(returns[i]);
    b.push(benchmark[i]);
  }
  return annualReturn(r, periodsPerYear) / annualReturn(b, periodsPerYear);
}

/** Tracking error, information ratio and up/down capture; NaN where undefined (lengths differ, no such periods). */
export function relativeStats(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear: number): RelativeStats {
  const n = returns.length;
  if (n === 0 || benchmark.length !== n) return { trackingError: Number.NaN, informationRatio: Number.NaN, upCapture: Number.NaN, downCapture: Number.NaN };
  const active = new Float64Array(n);
  for (let i = 0; i < n; i++) active[i] = returns[i] - benchmark[i];
  const sd = sampleStd(active);
  return {
    trackingError: sd * Math.sqrt(periodsPerYear),
    informationRatio: sd > 0 ? (mean(active) / sd) * Math.sqrt(periodsPerYear) : Number.NaN,
    upCapture: capture(returns, benchmark, periodsPerYear, (b) => b > 0),
    downCapture: capture(returns, benchmark, periodsPerYear, (b) => b < 0),
  };
}

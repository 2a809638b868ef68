import { mean, sampleStd } from './mean-std.ts';

/**
 * Annualized Sharpe ratio as empyrical: mean(r − rf) / std(r − rf, ddof = 1) · √periods,
 * with `riskFree` per period (default 0). NaN when the deviation is zero or undefined.
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear: number, riskFree = 0): number {
  const ex = Float64Array.from(returns as ArrayLike<number>, (r) => r - riskFree);
  const sd = sampleStd(ex);
  if (!(sd > 0)) return Number.NaN;
  return (mean(ex) / sd) * Math.sqrt(periodsPerYear);
}

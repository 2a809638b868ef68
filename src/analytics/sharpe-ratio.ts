import { mean, sampleStd } from './mean-std.ts';

/**
 * Annualized Sharpe ratio as empyrical: mean(r − rf) / std(r − rf, ddof = 1) · √periods,
 * with `riskFree` per period (default 0). NaN when the deviation is zero or undefined.
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear: number, riskFree = 0): number {
  let ex: ArrayLike<number> = returns;
  if (riskFree !== 0) {
    const shifted = new Float64Array(returns.length);
    for (let i = 0; i < shifted.length; i++) shifted[i] = returns[i] - riskFree;
    ex = shifted;
  }
  const sd = sampleStd(ex);
  if (!(sd > 0)) return Number.NaN;
  return (mean(ex) / sd) * Math.sqrt(periodsPerYear);
}

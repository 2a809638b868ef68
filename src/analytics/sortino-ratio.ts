import { mean } from './mean-std.ts';

/**
 * Annualized Sortino ratio as empyrical: mean(r − target) · periods over the downside
 * deviation √mean(min(r − target, 0)²) · √periods. NaN when there is no downside.
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear: number, target = 0): number {
  const n = returns.length;
  if (n === 0) return Number.NaN;
  let dd = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.min(returns[i] - target, 0);
    dd += d * d;
  }
  const downside = Math.sqrt(dd / n);
  if (!(downside > 0)) return Number.NaN;
  return ((mean(returns) - target) / downside) * Math.sqrt(periodsPerYear);
}

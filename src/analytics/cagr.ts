/**
 * Compound annual growth rate as empyrical's `cagr`: years = returns / periodsPerYear,
 * (final / initial)^(1/years) − 1. NaN when there is no return period.
 */
export function cagr(equity: ArrayLike<number>, periodsPerYear: number): number {
  const n = equity.length - 1;
  if (n < 1 || !(periodsPerYear > 0)) return Number.NaN;
  const growth = equity[n] / equity[0];
  if (growth <= 0) return -1;
  return growth ** (periodsPerYear / n) - 1;
}

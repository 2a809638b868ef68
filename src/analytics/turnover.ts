/**
 * Annualized turnover: traded notional over mean equity, scaled from the run's
 * `periods` (return periods) to a year. 1.0 means the book was traded once a year.
 */
export function annualTurnover(tradedNotional: number, equity: ArrayLike<number>, periodsPerYear: number): number {
  const n = equity.length;
  if (n < 2) return Number.NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += equity[i];
  const meanEquity = s / n;
  if (!(meanEquity > 0)) return Number.NaN;
  return (tradedNotional / meanEquity) * (periodsPerYear / (n - 1));
}

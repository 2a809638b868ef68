/**
 * Rolling annualized Sharpe ratio and volatility of per-period returns over `window`
 * periods (sample std, ddof = 1); NaN until a full window exists. O(n) running sums.
 */
export function rollingSharpeVolatility(returns: ArrayLike<number>, window: number, periodsPerYear: number): { sharpe: Float64Array; volatility: Float64Array } {
  const n = returns.length;
  const sharpe = new Float64Array(n).fill(Number.NaN);
  const volatility = new Float64Array(n).fill(Number.NaN);
  if (window < 2) return { sharpe, volatility };
  let s = 0;
  let ss = 0;
  const k = Math.sqrt(periodsPerYear);
  for (let i = 0; i < n; i++) {
    s += returns[i];
    ss += returns[i] * returns[i];
    if (i >= window) {
      s -= returns[i - window];
      ss -= returns[i - window] * returns[i - window];
    }
    if (i >= window - 1) {
      const m = s / window;
      const v = Math.max(0, (ss - window * m * m) / (window - 1));
      const sd = Math.sqrt(v);
      volatility[i] = sd * k;
      sharpe[i] = sd > 1e-15 ? (m / sd) * k : Number.NaN;
    }
  }
  return { sharpe, volatility };
}

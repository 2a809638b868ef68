/**
 * Stability as empyrical's `stability_of_timeseries`: R² of an ordinary least-squares
 * line through the cumulative log returns against time. NaN below 2 returns or for a
 * flat series.
 */
export function stability(returns: ArrayLike<number>): number {
  const n = returns.length;
  if (n < 2) return Number.NaN;
  const y = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) y[i] = acc += Math.log1p(returns[i]);
  const mx = (n - 1) / 2;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i];
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(syy > 0)) return Number.NaN;
  return (sxy * sxy) / (sxx * syy);
}

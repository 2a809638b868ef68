/**
 * Omega ratio as empyrical: the sum of returns above a per-period threshold over the sum
 * of shortfalls below it. NaN when nothing falls below the threshold.
 */
export function omegaRatio(returns: ArrayLike<number>, threshold = 0): number {
  let up = 0;
  let down = 0;
  for (let i = 0; i < returns.length; i++) {
    const d = returns[i] - threshold;
    if (Number.isNaN(d)) return Number.NaN;
    if (d > 0) up += d;
    else down -= d;
  }
  return down > 0 ? up / down : Number.NaN;
}

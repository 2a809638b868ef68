/**
 * Hurst exponent by rescaled-range (R/S) analysis: for window sizes n = 8, 16, 32, … up to
 * half the series, the series is cut into ⌊N/n⌋ consecutive windows; in each, R is the range
 * of the cumulative deviations from the window's mean and S its standard deviation (ddof 0);
 * H is the least-squares slope of log(mean R/S) on log(n). ≈ 0.5 for a random walk's
 * increments, above for persistent (trending) series, below for mean-reverting ones.
 * NaN with fewer than 32 points (under two window sizes).
 */
export function hurstExponent(x: ArrayLike<number>): number {
  const logN: number[] = [];
  const logRS: number[] = [];
  for (let n = 8; n <= x.length / 2; n *= 2) {
    let sum = 0;
    let count = 0;
    for (let w = 0; w + n <= x.length; w += n) {
      const rs = rescaledRange(x, w, n);
      if (Number.isFinite(rs)) {
        sum += rs;
        count++;
      }
    }
    if (count === 0) continue;
    logN.push(Math.log(n));
    logRS.push(Math.log(sum / count));
  }
  if (logN.length < 2) return Number.NaN;
  const mx = logN.reduce((s, v) => s + v, 0) / logN.length;
  const my = logRS.reduce((s, v) => s + v, 0) / logRS.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < logN.length; i++) {
    sxy += (logN[i] - mx) * (logRS[i] - my);
    sxx += (logN[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** R/S of the window x[from, from + n): NaN when the window is flat. */
function rescaledRange(x: ArrayLike<number>, from: number, n: number): number {
  let m = 0;
  for (let i = from; i < from + n; i++) m += x[i];
  m /= n;
  let z = 0;
  let lo = 0;
  let hi = 0;
  let ss = 0;
  for (let i = from; i < from + n; i++) {
    const d = x[i] - m;
    z += d;
    lo = Math.min(lo, z);
    hi = Math.max(hi, z);
    ss += d * d;
  }
  const s = Math.sqrt(ss / n);
  return s > 0 ? (hi - lo) / s : Number.NaN;
}

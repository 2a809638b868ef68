/**
 * Sample autocorrelation of `x` at lags 0…`nlags` (as statsmodels' acf, adjusted=False):
 * ρ_k = Σ_{t<n−k} (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)². ρ_0 = 1; NaN for a constant series.
 */
export function autocorrelation(x: ArrayLike<number>, nlags: number): Float64Array {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  const d = Float64Array.from({ length: n }, (_, i) => x[i] - m);
  const out = new Float64Array(nlags + 1);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += d[i] * d[i];
  for (let k = 0; k <= nlags; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += d[t] * d[t + k];
    out[k] = c / c0;
  }
  return out;
}

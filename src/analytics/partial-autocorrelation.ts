/**
 * Partial autocorrelation of `x` at lags 0…`nlags` by Yule–Walker with adjusted
 * autocovariances (statsmodels' pacf, method "ywadjusted"): r_k = Σ_{t<n−k} d_t d_{t+k} / (n − k)
 * of the demeaned series; φ_kk, the last coefficient of the order-k Yule–Walker solution,
 * from the Durbin–Levinson recursion. φ_00 = 1.
 */
export function partialAutocorrelation(x: ArrayLike<number>, nlags: number): Float64Array {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  const r = new Float64Array(nlags + 1);
  for (let k = 0; k <= nlags; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += (x[t] - m) * (x[t + k] - m);
    r[k] = c / (n - k);
  }
  const out = new Float64Array(nlags + 1);
  out[0] = 1;
  let phi = new Float64Array(0); // φ_{k−1, 1…k−1}
  let v = r[0]; // prediction error variance
  for (let k = 1; k <= nlags; k++) {
    let num = r[k];
    for (let j = 1; j < k; j++) num -= phi[j - 1] * r[k - j];
    const kk = num / v;
    const next = new Float64Array(k);
    for (let j = 1; j < k; j++) next[j - 1] = phi[j - 1] - kk * phi[k - j - 1];
    next[k - 1] = kk;
    phi = next;
    v *= 1 - kk * kk;
    out[k] = kk;
  }
  return out;
}

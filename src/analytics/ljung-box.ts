import { autocorrelation } from './autocorrelation.ts';
import { chiSquareSurvival } from './chi-square.ts';

/**
 * Ljung–Box test of no autocorrelation up to lag h (as statsmodels' acorr_ljungbox):
 * Q = n(n + 2) Σ_{k=1..h} ρ_k² / (n − k), p = P(χ²_h > Q). A small p: the series (returns,
 * say) is not white noise.
 */
export function ljungBox(x: ArrayLike<number>, lags: number): { statistic: number; pValue: number } {
  const n = x.length;
  const rho = autocorrelation(x, lags);
  let q = 0;
  for (let k = 1; k <= lags; k++) q += (rho[k] * rho[k]) / (n - k);
  q *= n * (n + 2);
  return { statistic: q, pValue: chiSquareSurvival(q, lags) };
}

import { normalCdf } from './normal-distribution.ts';

/** Augmented Dickey–Fuller test with a constant (statsmodels' adfuller, regression "c", a fixed lag count). */
export interface AdfResult {
  /** t-statistic of γ in Δy_t = α + γ·y_{t−1} + Σ_{i≤p} β_i·Δy_{t−i} + ε. */
  readonly statistic: number;
  /** MacKinnon (1994) approximate p-value: small ⇒ reject a unit root (the series is stationary). */
  readonly pValue: number;
  /** MacKinnon (2010) critical values at 1%, 5% and 10% for this many observations. */
  readonly critical: { readonly '1%': number; readonly '5%': number; readonly '10%': number };
  /** Lags p used and observations in the regression (length − 1 − p). */
  readonly lags: number;
  readonly nobs: number;
}

// MacKinnon (2010), "Critical values for cointegration tests", Table 2, constant, one variable:
// c(T) = b0 + b1/T + b2/T² + b3/T³.
const CRIT = { '1%': [-3.43035, -6.5393, -16.786, -79.433], '5%': [-2.86154, -2.8903, -4.234, -40.04], '10%': [-2.56677, -1.5384, -2.809, 0] } as const;
// MacKinnon (1994), "Approximate asymptotic distribution functions for unit-root and cointegration
// tests", constant, one variable: p = Φ(polynomial in τ), the small-p fit up to τ* and the large-p fit beyond.
const TAU_MAX = 2.74;
const TAU_MIN = -18.83;
const TAU_STAR = -1.61;
const SMALL_P = [2.1659, 1.4412, 0.038269];
const LARGE_P = [1.7339, 0.93202, -0.12745, -0.010368];

const poly = (c: readonly number[], x: number): number => c.reduceRight((acc, k) => acc * x + k, 0);

/** MacKinnon's approximate p-value of an ADF statistic (constant, one variable). */
export function adfPValue(stat: number): number {
  if (stat > TAU_MAX) return 1;
  if (stat < TAU_MIN) return 0;
  return normalCdf(poly(stat <= TAU_STAR ? SMALL_P : LARGE_P, stat));
}

/** The ADF test of `y` with `lags` lagged differences (Schwert's 12·(n/100)^¼ by default). */
export function adfTest(y: ArrayLike<number>, lags = Math.floor(12 * (y.length / 100) ** 0.25)): AdfResult {
  const dy = Float64Array.from({ length: y.length - 1 }, (_, i) => y[i + 1] - y[i]);
  const nobs = dy.length - lags;
  const k = lags + 2;
  if (nobs <= k) throw new RangeError(`adfTest: ${y.length} points are too few for ${lags} lags`);
  // Rows t = lags … dy.length − 1: [y_{t}, Δy_{t−1}, …, Δy_{t−p}, 1] → Δy_t (y_t is the level before Δy_t).
  const row = (t: number): number[] => [y[t], ...Array.from({ length: lags }, (_, i) => dy[t - 1 - i]), 1];
  const xtx = Array.from({ length: k }, () => new Float64Array(k));
  const xty = new Float64Array(k);
  for (let t = lags; t < dy.length; t++) {
    const r = row(t);
    for (let a = 0; a < k; a++) {
      xty[a] += r[a] * dy[t];
      for (let b = 0; b < k; b++) xtx[a][b] += r[a] * r[b];
    }
  }
  const inv = invert(xtx);
  const beta = inv.map((rowInv) => rowInv.reduce((s, v, j) => s + v * xty[j], 0));
  let rss = 0;
  for (let t = lags; t < dy.length; t++) {
    const e = dy[t] - row(t).reduce((s, v, j) => s + v * beta[j], 0);
    rss += e * e;
  }
  const se = Math.sqrt((rss / (nobs - k)) * inv[0][0]);
  const statistic = beta[0] / se;
  const crit = (c: readonly number[]) => c[0] + c[1] / nobs + c[2] / nobs ** 2 + c[3] / nobs ** 3;
  return { statistic, pValue: adfPValue(statistic), critical: { '1%': crit(CRIT['1%']), '5%': crit(CRIT['5%']), '10%': crit(CRIT['10%']) }, lags, nobs };
}

/** Inverse of a small symmetric positive-definite matrix (Gauss–Jordan with partial pivoting). */
function invert(m: Float64Array[]): number[][] {
  const n = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    if (d === 0) throw new RangeError('adfTest: the regressors are collinear (a constant series?)');
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((r) => r.slice(n));
}

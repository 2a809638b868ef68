import { percentile } from './percentile.ts';
import { pearsonCorrelation } from './correlation-matrix.ts';

/**
 * Signal (factor) analysis in the manner of Alphalens, for one instrument's time series:
 * does a signal column rank the returns that follow it?
 *   information coefficient  Spearman rank correlation between the signal at t and the
 *                            forward return p_{t+h} / p_t − 1, for each horizon h
 *   quantile returns         the mean forward return of each signal quantile (equal-count
 *                            buckets by rank, as pandas' qcut)
 *   turnover                 the share of steps whose quantile differs from the step before,
 *                            and the signal's rank autocorrelation at lag 1
 * Points whose signal or forward return is not finite are left out.
 */

/** Ranks 1…n, ties sharing their mean rank (as scipy's rankdata "average"). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const out = new Float64Array(x.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]] = r;
    i = j + 1;
  }
  return out;
}


/** Spearman's rank correlation (NaN below 3 points or for a constant input). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a.length < 3 ? Number.NaN : pearsonCorrelation(ranks(a), ranks(b));
}

/** The signal and the h-step forward returns where both are finite. */
function paired(signal: ArrayLike<number>, prices: ArrayLike<number>, h: number): { s: number[]; r: number[] } {
  const s: number[] = [];
  const r: number[] = [];
  for (let t = 0; t + h < prices.length && t < signal.length; t++) {
    const fwd = prices[t + h] / prices[t] - 1;
    if (Number.isFinite(signal[t]) && Number.isFinite(fwd)) {
      s.push(signal[t]);
      r.push(fwd);
    }
  }
  return { s, r };
}

/** Information coefficient per horizon. */
export function informationCoefficient(signal: ArrayLike<number>, prices: ArrayLike<number>, horizons: readonly number[]): { horizon: number; ic: number; n: number }[] {
  return horizons.map((h) => {
    const { s, r } = paired(signal, prices, h);
    return { horizon: h, ic: spearman(s, r), n: s.length };
  });
}

/**
 * Quantile (1…q) of each value as pandas' qcut(x, q): edges at the 0, 1/q, …, 1 quantiles
 * (linear interpolation), intervals closed on the right, the lowest value in bucket 1.
 */
export function quantileOf(x: ArrayLike<number>, q: number): Uint8Array {
  const edges = Array.from({ length: q + 1 }, (_, k) => percentile(x, (100 * k) / q));
  return Uint8Array.from(x, (v) => {
    let k = 1;
    while (k < q && v > edges[k]) k++;
    return k;
  });
}

/** Mean forward return (h steps) of each signal quantile, lowest quantile first. */
export function quantileReturns(signal: ArrayLike<number>, prices: ArrayLike<number>, h: number, q = 5): { quantile: number; meanReturn: number; count: number }[] {
  const { s, r } = paired(signal, prices, h);
  const bucket = quantileOf(s, q);
  const sum = new Float64Array(q + 1);
  const count = new Float64Array(q + 1);
  for (let i = 0; i < s.length; i++) {
    sum[bucket[i]] += r[i];
    count[bucket[i]]++;
  }
  return Array.from({ length: q }, (_, k) => ({ quantile: k + 1, meanReturn: sum[k + 1] / count[k + 1], count: count[k + 1] }));
}

/** How fast the signal changes: quantile changes per step and the rank autocorrelation at lag 1. */
export function signalTurnover(signal: ArrayLike<number>, q = 5): { quantileChangeRate: number; rankAutocorrelation: number } {
  const s = Array.from(signal).filter(Number.isFinite);
  const b = quantileOf(s, q);
  let changes = 0;
  for (let i = 1; i < b.length; i++) if (b[i] !== b[i - 1]) changes++;
  return { quantileChangeRate: changes / (b.length - 1), rankAutocorrelation: spearman(s.slice(0, -1), s.slice(1)) };
}

/** A signal ranked across instruments date by date (Alphalens' IC): the per-date IC and its summary. */
export interface CrossSectionalIC {
  readonly horizon: number;
  /** IC of each date with at least 3 instruments having a finite signal and forward return (NaN otherwise). */
  readonly daily: Float64Array;
  readonly mean: number;
  /** Sample standard deviation (ddof 1) of the daily ICs. */
  readonly std: number;
  /** mean / std: the information ratio of the signal. */
  readonly ir: number;
  /** mean / (std / √n): is the mean IC different from 0? */
  readonly tStat: number;
  readonly dates: number;
}

/** `signal[t][a]` and `prices[t][a]`: dates × instruments, aligned; forward returns over `h` dates. */
export function crossSectionalIC(signal: readonly (readonly number[])[], prices: readonly (readonly number[])[], h: number): CrossSectionalIC {
  const daily = new Float64Array(signal.length).fill(Number.NaN);
  for (let t = 0; t + h < prices.length && t < signal.length; t++) {
    const s: number[] = [];
    const r: number[] = [];
    for (let a = 0; a < signal[t].length; a++) {
      const fwd = prices[t + h][a] / prices[t][a] - 1;
      if (Number.isFinite(signal[t][a]) && Number.isFinite(fwd)) {
        s.push(signal[t][a]);
        r.push(fwd);
      }
    }
    if (s.length >= 3) daily[t] = spearman(s, r);
  }
  const ok = Array.from(daily).filter(Number.isFinite);
  const n = ok.length;
  const mean = n > 0 ? ok.reduce((x, y) => x + y, 0) / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(ok.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { horizon: h, daily, mean, std, ir: mean / std, tStat: mean / (std / Math.sqrt(n)), dates: n };
}

import { mean, sampleStd } from './mean-std.ts';
import { normalQuantile } from './normal-distribution.ts';
import { percentileOfSorted, sortedCopy } from './percentile.ts';

/**
 * Historical value at risk as empyrical: the `cutoff` quantile of per-period returns
 * (a return, usually negative: 0.05 → the 5th percentile).
 */
export function historicalVaR(returns: ArrayLike<number>, cutoff = 0.05): number {
  return historicalVaROfSorted(sortedCopy(returns), cutoff);
}

/** `historicalVaR` of returns already sorted by `sortedCopy`. */
export function historicalVaROfSorted(sorted: Float64Array, cutoff = 0.05): number {
  return percentileOfSorted(sorted, 100 * cutoff);
}

/** Parametric (Gaussian) value at risk: mean + Φ⁻¹(cutoff) · std(ddof = 1). */
export function parametricVaR(returns: ArrayLike<number>, cutoff = 0.05): number {
  return mean(returns) + normalQuantile(cutoff) * sampleStd(returns);
}

import { mean, sampleStd } from './mean-std.ts';
import { normalPdf, normalQuantile } from './normal-distribution.ts';
import { sortedCopy } from './percentile.ts';

/**
 * Historical CVaR (expected shortfall) as empyrical: the mean of the lowest
 * ⌊(n − 1) · cutoff⌋ + 1 returns. NaN for empty input or NaN values.
 */
export function historicalCVaR(returns: ArrayLike<number>, cutoff = 0.05): number {
  return historicalCVaROfSorted(sortedCopy(returns), cutoff);
}

/** `historicalCVaR` of returns already sorted by `sortedCopy`. */
export function historicalCVaROfSorted(s: Float64Array, cutoff = 0.05): number {
  const n = s.length;
  if (n === 0 || Number.isNaN(s[n - 1])) return Number.NaN;
  const k = Math.floor((n - 1) * cutoff) + 1;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += s[i];
  return sum / k;
}

/** Parametric (Gaussian) CVaR: mean − std · φ(Φ⁻¹(cutoff)) / cutoff. */
export function parametricCVaR(returns: ArrayLike<number>, cutoff = 0.05): number {
  return mean(returns) - (sampleStd(returns) * normalPdf(normalQuantile(cutoff))) / cutoff;
}

import { centralMoments } from './central-moments.ts';

/**
 * Excess kurtosis as scipy.stats.kurtosis (Fisher, biased: m4 / m2² − 3; a normal
 * sample gives ≈ 0). NaN below 4 values or zero variance.
 */
export function excessKurtosis(x: ArrayLike<number>): number {
  const m = centralMoments(x);
  if (m.n < 4 || !(m.m2 > 0)) return Number.NaN;
  return m.m4 / (m.m2 * m.m2) - 3;
}

import { centralMoments } from './central-moments.ts';

/** Sample skewness as scipy.stats.skew (biased: m3 / m2^1.5); NaN below 3 values or zero variance. */
export function skewness(x: ArrayLike<number>): number {
  const m = centralMoments(x);
  if (m.n < 3 || !(m.m2 > 0)) return Number.NaN;
  return m.m3 / m.m2 ** 1.5;
}

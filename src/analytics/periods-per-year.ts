import { MICROS_PER_YEAR } from '../core/time.ts';

/**
 * Observed bars per calendar year: (points − 1) / (span in Julian years). Daily equity
 * data gives ≈252, crypto dailies ≈365. NaN with fewer than two points or zero span.
 */
export function periodsPerYear(ts: ArrayLike<number>): number {
  const n = ts.length;
  if (n < 2) return Number.NaN;
  const years = (ts[n - 1] - ts[0]) / MICROS_PER_YEAR;
  return years > 0 ? (n - 1) / years : Number.NaN;
}

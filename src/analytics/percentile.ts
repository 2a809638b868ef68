/** A sorted copy of `values`, NaN last (typed-array sort): what the order-statistic metrics read. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The q-th percentile (0–100) with linear interpolation between order statistics, as
 * numpy's default. NaN for empty input or when any value is NaN.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  return percentileOfSorted(sortedCopy(values), q);
}

/** `percentile` of values already sorted by `sortedCopy` (one sort for several order statistics). */
export function percentileOfSorted(s: Float64Array, q: number): number {
  const n = s.length;
  if (n === 0 || !(q >= 0 && q <= 100)) return Number.NaN;
  if (Number.isNaN(s[n - 1])) return Number.NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

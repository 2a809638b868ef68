import { percentileOfSorted, sortedCopy } from './percentile.ts';

/** Tail ratio as empyrical: |95th percentile| / |5th percentile| of returns. */
export function tailRatio(returns: ArrayLike<number>): number {
  return tailRatioOfSorted(sortedCopy(returns));
}

/** `tailRatio` of returns already sorted by `sortedCopy`. */
export function tailRatioOfSorted(sorted: Float64Array): number {
  const lo = Math.abs(percentileOfSorted(sorted, 5));
  return lo > 0 ? Math.abs(percentileOfSorted(sorted, 95)) / lo : Number.NaN;
}

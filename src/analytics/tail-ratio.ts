import { percentile } from './percentile.ts';

/** Tail ratio as empyrical: |95th percentile| / |5th percentile| of returns. */
export function tailRatio(returns: ArrayLike<number>): number {
  const lo = Math.abs(percentile(returns, 5));
  return lo > 0 ? Math.abs(percentile(returns, 95)) / lo : Number.NaN;
}

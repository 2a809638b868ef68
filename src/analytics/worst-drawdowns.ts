/** One drawdown episode: from a peak, down to its trough, back to the peak's level (or not). */
export interface DrawdownEpisode {
  /** Index of the peak the episode fell from. */
  readonly peakIndex: number;
  /** Index of the lowest point before the recovery. */
  readonly troughIndex: number;
  /** Index of the first point back at or above the peak; −1 when the curve ends below it. */
  readonly recoveryIndex: number;
  /** 1 − trough / peak: a positive fraction. */
  readonly depth: number;
  /** Points from the peak to the recovery (to the last point when not recovered). */
  readonly length: number;
}

/**
 * The `k` deepest drawdown episodes of an equity curve, deepest first (as pyfolio's
 * drawdown table): the curve splits into disjoint episodes, each from a running peak to the
 * first point back at or above it; ties keep time order.
 */
export function worstDrawdowns(equity: ArrayLike<number>, k = 5): DrawdownEpisode[] {
  const episodes: DrawdownEpisode[] = [];
  let peakAt = 0;
  let troughAt = -1;
  for (let i = 1; i < equity.length; i++) {
    if (equity[i] >= equity[peakAt]) {
      if (troughAt >= 0) episodes.push(episode(equity, peakAt, troughAt, i));
      peakAt = i;
      troughAt = -1;
    } else if (troughAt < 0 || equity[i] < equity[troughAt]) troughAt = i;
  }
  if (troughAt >= 0) episodes.push(episode(equity, peakAt, troughAt, -1, equity.length - 1));
  return episodes.sort((a, b) => b.depth - a.depth || a.peakIndex - b.peakIndex).slice(0, k);
}

function episode(equity: ArrayLike<number>, peak: number, trough: number, recovery: number, last = recovery): DrawdownEpisode {
  return { peakIndex: peak, troughIndex: trough, recoveryIndex: recovery, depth: 1 - equity[trough] / equity[peak], length: last - peak };
}

/** The longest stretch below a previous peak. */
export interface DrawdownSpell {
  /** Periods from the peak to the recovery (or to the end when not recovered). */
  readonly periods: number;
  /** Index of the peak the spell started from (−1 when there was no drawdown). */
  readonly peakIndex: number;
  /** Index of the first point back at or above the peak, or −1 when never recovered. */
  readonly recoveryIndex: number;
}

/** Longest drawdown spell of an equity curve, in periods (points), peak to recovery. */
export function maxDrawdownDuration(equity: ArrayLike<number>): DrawdownSpell {
  let best: DrawdownSpell = { periods: 0, peakIndex: -1, recoveryIndex: -1 };
  let peak = -Infinity;
  let peakAt = -1;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e >= peak) {
      if (peakAt >= 0 && i - peakAt > 1 && i - peakAt > best.periods) best = { periods: i - peakAt, peakIndex: peakAt, recoveryIndex: i };
      peak = e;
      peakAt = i;
    }
  }
  const last = equity.length - 1;
  if (peakAt >= 0 && peakAt < last && last - peakAt > best.periods) best = { periods: last - peakAt, peakIndex: peakAt, recoveryIndex: -1 };
  return best;
}

/** Mean net P&L of losing trades (< 0, so the result is negative); NaN with no losers. */
export function averageLoss(netPnls: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const p of netPnls) if (p < 0) { s += p; n++; }
  return n === 0 ? Number.NaN : s / n;
}

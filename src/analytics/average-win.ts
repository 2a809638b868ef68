/** Mean net P&L of winning trades (> 0); NaN with no winners. */
export function averageWin(netPnls: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const p of netPnls) if (p > 0) { s += p; n++; }
  return n === 0 ? Number.NaN : s / n;
}

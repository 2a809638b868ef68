/** Share of closed trades with positive net P&L; NaN with no trades. */
export function winRate(netPnls: readonly number[]): number {
  const n = netPnls.length;
  if (n === 0) return Number.NaN;
  let wins = 0;
  for (let k = 0; k < n; k++) if (netPnls[k] > 0) wins++; // counted, not filtered: no array per call
  return wins / n;
}

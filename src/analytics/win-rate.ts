/** Share of closed trades with positive net P&L; NaN with no trades. */
export function winRate(netPnls: readonly number[]): number {
  if (netPnls.length === 0) return Number.NaN;
  return netPnls.filter((p) => p > 0).length / netPnls.length;
}

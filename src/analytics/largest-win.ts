/** Best trade's net P&L; NaN with no trades. */
export function largestWin(netPnls: readonly number[]): number {
  return netPnls.length === 0 ? Number.NaN : netPnls.reduce((a, b) => Math.max(a, b), -Infinity);
}

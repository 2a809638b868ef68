/** Worst trade's net P&L; NaN with no trades. */
export function largestLoss(netPnls: readonly number[]): number {
  return netPnls.length === 0 ? Number.NaN : netPnls.reduce((a, b) => Math.min(a, b), Infinity);
}

/** Gross profit over gross loss of closed trades (net of fees); Infinity with no losses, NaN with no trades. */
export function profitFactor(netPnls: readonly number[]): number {
  if (netPnls.length === 0) return Number.NaN;
  let win = 0;
  let loss = 0;
  for (let k = 0; k < netPnls.length; k++) {
    const p = netPnls[k];
    if (p > 0) win += p;
    else loss -= p;
  }
  return loss === 0 ? (win > 0 ? Infinity : Number.NaN) : win / loss;
}

/** Longest run of consecutive losing trades (net P&L < 0); 0 with no losses. */
export function maxConsecutiveLosses(netPnls: readonly number[]): number {
  let run = 0;
  let best = 0;
  for (const p of netPnls) {
    run = p < 0 ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

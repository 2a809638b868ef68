/** Expectancy: mean net P&L per closed trade; NaN with no trades. */
export function expectancy(netPnls: readonly number[]): number {
  if (netPnls.length === 0) return Number.NaN;
  let s = 0;
  for (const p of netPnls) s += p;
  return s / netPnls.length;
}

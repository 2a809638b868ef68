/** Final over initial equity minus one; NaN for an empty curve. */
export function totalReturn(equity: ArrayLike<number>): number {
  return equity.length === 0 ? Number.NaN : equity[equity.length - 1] / equity[0] - 1;
}

/** Largest peak-to-trough fall of an equity curve as a positive fraction (0.25 = −25%). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = -Infinity;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    else if (peak > 0) worst = Math.max(worst, 1 - e / peak);
  }
  return equity.length === 0 ? Number.NaN : worst;
}

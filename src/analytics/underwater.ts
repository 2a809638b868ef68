/** Underwater curve: equity over its running peak, minus one (0 at new highs, < 0 below). */
export function underwater(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    out[i] = e / peak - 1;
  }
  return out;
}

/**
 * Reduces a series to at most ~2·buckets points for plotting, keeping each bucket's
 * minimum and maximum (in time order) so spikes and drawdowns stay visible. Series
 * already small enough are returned as plain arrays.
 */
export function decimateMinMax(x: ArrayLike<number>, y: ArrayLike<number>, buckets = 2500): { x: number[]; y: number[] } {
  const n = y.length;
  if (n <= 2 * buckets) return { x: Array.from(x), y: Array.from(y) };
  const outX: number[] = [];
  const outY: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const s = Math.floor(b * size);
    const e = Math.min(n, Math.floor((b + 1) * size));
    let lo = s;
    let hi = s;
    for (let i = s + 1; i < e; i++) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      outX.push(x[i]);
      outY.push(y[i]);
    }
  }
  if (outX[outX.length - 1] !== x[n - 1]) {
    outX.push(x[n - 1]);
    outY.push(y[n - 1]);
  }
  return { x: outX, y: outY };
}

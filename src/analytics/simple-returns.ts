/** Per-period simple returns r_t = e_t / e_{t−1} − 1 of an equity series (length n − 1). */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = equity[i + 1] / equity[i] - 1;
  return r;
}

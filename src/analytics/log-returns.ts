/** Per-period log returns ln(e_t / e_{t−1}) of an equity series (length n − 1). */
export function logReturns(equity: ArrayLike<number>): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.log(equity[i + 1] / equity[i]);
  return r;
}

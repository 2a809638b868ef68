/**
 * Pearson correlation of every pair of equally long series (numpy's `corrcoef` on the
 * rows). A constant series has no correlation: its row and column are NaN, but its
 * diagonal entry is 1.
 */
export function correlationMatrix(series: readonly ArrayLike<number>[]): number[][] {
  const n = series.length === 0 ? 0 : series[0].length;
  for (const s of series) if (s.length !== n) throw new Error(`correlationMatrix: series of ${s.length} and ${n} values: they must be equally long`);
  const centered = series.map((s) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += s[i];
    mean /= n;
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = s[i] - mean;
    return c;
  });
  const dot = (a: Float64Array, b: Float64Array) => {
    let v = 0;
    for (let i = 0; i < n; i++) v += a[i] * b[i];
    return v;
  };
  const norms = centered.map((c) => Math.sqrt(dot(c, c)));
  return centered.map((a, i) => centered.map((b, j) => (i === j ? 1 : norms[i] > 0 && norms[j] > 0 ? Math.max(-1, Math.min(1, dot(a, b) / (norms[i] * norms[j]))) : Number.NaN)));
}

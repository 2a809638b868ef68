/** Pearson correlation of two equally long series (NaN when either is constant). */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Pearson correlation of every pair of equally long series (numpy's `corrcoef` on the
 * rows): a constant series has NaN in its row and column, its diagonal included.
 */
export function correlationMatrix(series: readonly ArrayLike<number>[]): number[][] {
  const n = series.length === 0 ? 0 : series[0].length;
  for (const s of series) if (s.length !== n) throw new Error(`correlationMatrix: series of ${s.length} and ${n} values: they must be equally long`);
  return series.map((a, i) => series.map((b, j) => {
    const r = pearsonCorrelation(a, b);
    return i === j ? (Number.isNaN(r) ? r : 1) : Math.max(-1, Math.min(1, r)); // NaN passes Math.max/min through
  }));
}

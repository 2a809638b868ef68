/** Mean and the 2nd–4th central moments (population, i.e. divided by n). */
export interface CentralMoments {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
}

/** Central moments in two passes (stable for the magnitudes of returns). */
export function centralMoments(x: ArrayLike<number>): CentralMoments {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = n === 0 ? Number.NaN : s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { n, mean, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

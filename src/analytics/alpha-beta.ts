/** Regression of strategy returns on benchmark returns. */
export interface AlphaBeta {
  /** Annualized alpha: (1 + mean(r − β·b))^periods − 1, as empyrical. */
  readonly alpha: number;
  /** cov(r, b) / var(b), population moments as empyrical. */
  readonly beta: number;
}

/**
 * Alpha and beta against a benchmark return series of the same length and periods
 * (risk-free rate 0). NaN when lengths differ, inputs are empty or the benchmark is flat.
 */
export function alphaBeta(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear: number): AlphaBeta {
  const n = returns.length;
  if (n === 0 || benchmark.length !== n) return { alpha: Number.NaN, beta: Number.NaN };
  let mb = 0;
  for (let i = 0; i < n; i++) mb += benchmark[i];
  mb /= n;
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const d = benchmark[i] - mb;
    cov += d * returns[i];
    varB += d * d;
  }
  if (!(varB > 0)) return { alpha: Number.NaN, beta: Number.NaN };
  const beta = cov / varB;
  let a = 0;
  for (let i = 0; i < n; i++) a += returns[i] - beta * benchmark[i];
  return { alpha: (1 + a / n) ** periodsPerYear - 1, beta };
}

import { centralMoments } from './central-moments.ts';
import { normalCdf } from './normal-distribution.ts';

/**
 * Probabilistic Sharpe ratio (Bailey & López de Prado 2012): the probability that the
 * true per-period Sharpe ratio exceeds `benchmarkSharpe` (per period, not annualized),
 * given the sample's length, skewness and kurtosis:
 *   Φ( (SR − SR*) · √(n − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4 · SR²) )
 * with SR = mean / std(ddof = 1), γ₃ the skewness and γ₄ the (non-excess) kurtosis.
 */
export function probabilisticSharpeRatio(returns: ArrayLike<number>, benchmarkSharpe = 0): number {
  const m = centralMoments(returns);
  if (m.n < 3 || !(m.m2 > 0)) return Number.NaN;
  const sd = Math.sqrt((m.m2 * m.n) / (m.n - 1));
  const sr = m.mean / sd;
  const g3 = m.m3 / m.m2 ** 1.5;
  const g4 = m.m4 / (m.m2 * m.m2);
  const denom = 1 - g3 * sr + ((g4 - 1) / 4) * sr * sr;
  if (!(denom > 0)) return Number.NaN;
  return normalCdf(((sr - benchmarkSharpe) * Math.sqrt(m.n - 1)) / Math.sqrt(denom));
}

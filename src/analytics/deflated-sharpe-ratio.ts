import { normalQuantile } from './normal-distribution.ts';
import { probabilisticSharpeRatio } from './probabilistic-sharpe-ratio.ts';

const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum Sharpe ratio among `trials` independent strategies whose Sharpe
 * ratios have variance `sharpeVariance` and true value zero (Bailey & López de Prado
 * 2014): √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N·e))).
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (!(trials >= 2) || !(sharpeVariance >= 0)) return Number.NaN;
  return Math.sqrt(sharpeVariance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)));
}

/**
 * Deflated Sharpe ratio: the probabilistic Sharpe ratio of the selected strategy's
 * returns against the Sharpe ratio the best of `trials` would reach by luck alone.
 * `sharpeVariance` is the variance of the per-period Sharpe ratios across the trials.
 */
export function deflatedSharpeRatio(returns: ArrayLike<number>, trials: number, sharpeVariance: number): number {
  return probabilisticSharpeRatio(returns, expectedMaxSharpe(trials, sharpeVariance));
}

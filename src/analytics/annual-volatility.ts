import { sampleStd } from './mean-std.ts';

/** Annualized volatility: std(returns, ddof = 1) · √periodsPerYear. */
export function annualVolatility(returns: ArrayLike<number>, periodsPerYear: number): number {
  return sampleStd(returns) * Math.sqrt(periodsPerYear);
}

import { cagr } from './cagr.ts';
import { maxDrawdown } from './max-drawdown.ts';

/** Calmar ratio as empyrical: CAGR over the maximum drawdown; NaN without a drawdown. */
export function calmarRatio(equity: ArrayLike<number>, periodsPerYear: number): number {
  const dd = maxDrawdown(equity);
  if (!(dd > 0)) return Number.NaN;
  return cagr(equity, periodsPerYear) / dd;
}

import { mean, sampleStd } from './mean-std.ts';

/**
 * Van Tharp's System Quality Number: √N · mean / std(ddof = 1) of trade net P&L
 * (uncapped N). NaN below two trades or when every trade made the same.
 */
export function systemQualityNumber(netPnls: readonly number[]): number {
  const sd = sampleStd(netPnls);
  if (!(sd > 0)) return Number.NaN;
  return (Math.sqrt(netPnls.length) * mean(netPnls)) / sd;
}

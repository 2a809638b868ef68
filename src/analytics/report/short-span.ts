import type { PerformanceSummary } from '../performance-summary.ts';

/** Spans shorter than this are not annualized in a report (the same 90 days as metricWarnings' CAGR rule). */
export const MIN_ANNUALIZED_DAYS = 90;

/**
 * A short run's summary as a report shows it: annualized figures turned back into per-bar
 * ones (volatility, Sharpe, Sortino, tracking error, information ratio ÷ √periods; alpha
 * (1 + α)^(1/periods) − 1), those with no per-bar meaning (CAGR, Calmar, turnover) left
 * out (NaN), and the labels to show. Longer runs come back unchanged.
 */
export function shortSpanView(s: PerformanceSummary, days: number): { summary: PerformanceSummary; labels: Readonly<Record<string, string>> } | null {
  if (!(days < MIN_ANNUALIZED_DAYS) || !(s.periodsPerYear > 0)) return null;
  const root = Math.sqrt(s.periodsPerYear);
  return {
    summary: {
      ...s, cagr: Number.NaN, calmar: Number.NaN, turnover: Number.NaN,
      volatility: s.volatility / root, sharpe: s.sharpe / root, sortino: s.sortino / root,
      trackingError: s.trackingError / root, informationRatio: s.informationRatio / root, alpha: (1 + s.alpha) ** (1 / s.periodsPerYear) - 1,
    },
    labels: {
      cagr: 'CAGR (not annualized: see total return)', calmar: 'Calmar (not annualized)', turnover: 'Turnover (not annualized)',
      volatility: 'Volatility (per bar)', sharpe: 'Sharpe (per bar)', sortino: 'Sortino (per bar)', trackingError: 'Tracking error (per bar)',
      informationRatio: 'Information ratio (per bar)', alpha: 'Alpha (per bar)',
    },
  };
}

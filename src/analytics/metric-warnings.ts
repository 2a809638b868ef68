import { MICROS_PER_DAY } from '../core/time.ts';
import type { CoreMetrics } from './core-metrics.ts';

/** Below this span a CAGR annualizes noise. */
const MIN_CAGR_DAYS = 90;
/** A Sharpe ratio above this is almost never real. */
const MAX_PLAUSIBLE_SHARPE = 10;
/** A profit factor above this means (almost) no losing trades. */
const MAX_PLAUSIBLE_PROFIT_FACTOR = 100;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Warnings for figures that are computed correctly but mislead: a CAGR annualized from a
 * few days or weeks (3.79e52 % from a one-hour market-making run), a Sharpe ratio or a
 * profit factor too high to be believed. Each is a [figure, why] pair for the summary, the
 * --json output and the report's notices.
 */
export function metricWarnings(m: Pick<CoreMetrics, 'cagr' | 'sharpe' | 'profitFactor' | 'totalReturn'>, firstTs: number, lastTs: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const days = (lastTs - firstTs) / MICROS_PER_DAY;
  // Annualizing a short span misleads when it inflates the figure (not when it barely moves it).
  if (Number.isFinite(m.cagr) && days < MIN_CAGR_DAYS && Math.abs(m.cagr) >= 0.01 && Math.abs(m.cagr) > 1.5 * Math.abs(m.totalReturn)) {
    out.push(['warning: CAGR', `${pct(m.cagr)} annualizes ${days < 1 ? `${(days * 24).toFixed(1)} hours` : `${days.toFixed(1)} days`}: not meaningful under ${MIN_CAGR_DAYS} days — read the total return (${pct(m.totalReturn)})`]);
  }
  if (Math.abs(m.sharpe) > MAX_PLAUSIBLE_SHARPE) {
    out.push(['warning: Sharpe', `${m.sharpe.toFixed(1)} is implausible (|Sharpe| > ${MAX_PLAUSIBLE_SHARPE}): a short or steady run annualized, or unrealistic fills — check fees, latency and the queue model`]);
  }
  if (Number.isFinite(m.profitFactor) && m.profitFactor > MAX_PLAUSIBLE_PROFIT_FACTOR) {
    out.push(['warning: profit factor', `${m.profitFactor.toPrecision(3)}: (almost) no losing trades — too good to be true?`]);
  }
  return out;
}

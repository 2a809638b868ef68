import { isoFromMicros } from '../../core/time.ts';

/** Keys shown as percentages. */
const PERCENT = new Set(['totalReturn', 'cagr', 'volatility', 'maxDrawdown', 'winRate', 'exposure', 'varHistorical', 'varParametric',
  'cvarHistorical', 'cvarParametric', 'alpha', 'kelly', 'probabilisticSharpe', 'trackingError']);

/** Readable labels of the summary keys, in display order. */
export const METRIC_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['totalReturn', 'Total return'], ['cagr', 'CAGR'], ['volatility', 'Volatility (ann.)'], ['sharpe', 'Sharpe'], ['sortino', 'Sortino'],
  ['calmar', 'Calmar'], ['omega', 'Omega'], ['maxDrawdown', 'Max drawdown'], ['maxDrawdownPeriods', 'Longest drawdown (bars)'],
  ['probabilisticSharpe', 'Prob. Sharpe > 0'], ['stability', 'Stability (R²)'], ['skew', 'Skew'], ['kurtosis', 'Excess kurtosis'],
  ['tailRatio', 'Tail ratio'], ['varHistorical', 'VaR 5% (hist.)'], ['varParametric', 'VaR 5% (normal)'], ['cvarHistorical', 'CVaR 5% (hist.)'],
  ['cvarParametric', 'CVaR 5% (normal)'], ['alpha', 'Alpha (ann.)'], ['beta', 'Beta'],
  ['trackingError', 'Tracking error (ann.)'], ['informationRatio', 'Information ratio'], ['upCapture', 'Up capture'], ['downCapture', 'Down capture'],
  ['turnover', 'Turnover (ann.)'], ['exposure', 'Time in market'],
  ['trades', 'Trades'], ['winRate', 'Win rate'], ['profitFactor', 'Profit factor'], ['expectancy', 'Expectancy'], ['averageWin', 'Average win'],
  ['averageLoss', 'Average loss'], ['largestWin', 'Largest win'], ['largestLoss', 'Largest loss'], ['maxConsecutiveLosses', 'Max consecutive losses'],
  ['sqn', 'SQN'], ['kelly', 'Kelly fraction'], ['periodsPerYear', 'Bars per year'],
];

/** A metric value as text: % for return-like keys, '—' when undefined. */
export function formatMetric(key: string, v: number): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (PERCENT.has(key)) return `${(v * 100).toFixed(2)}%`;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v.toFixed(Math.abs(v) < 10 ? 3 : 2);
}

/** µs → "YYYY-MM-DD HH:MM" (UTC; the time is dropped at midnight). */
export function formatTime(ts: number): string {
  const iso = isoFromMicros(ts);
  const t = iso.slice(11, 16);
  return t === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${t}`;
}

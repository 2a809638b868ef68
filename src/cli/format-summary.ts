import { equitySpan, fillCount, type RunResult } from '../backtest/run-result.ts';
import type { StressReport } from '../analytics/report/stress-table.ts';
import type { LogRecord } from '../engine/logger.ts';
import { outcomeLines } from '../backtest/run-outcome.ts';
import { metricWarnings } from '../analytics/metric-warnings.ts';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');
const num = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? 'inf' : 'n/a');

/** A readable two-column summary of a run for the terminal. */
export function formatSummary(r: RunResult, runDir: string | null): string {
  const m = r.metrics;
  const rows: Array<[string, string]> = [
    ...(r.portfolio ? sleeveRows(r.portfolio) : [['strategy', `${r.strategy.name} ${JSON.stringify(r.strategy.params)}`] as [string, string]]),
    ['data', r.feeds.map((f) => `${f.file} (${f.bars} ${f.format === 'ticks' ? 'events' : 'bars'})`).join(', ')],
    ['initial cash', num(r.initialCash)],
    ['final value', num(r.finalValue)],
    ['cash', num(r.cash)],
    ['fees', num(r.fees)],
    ...(Number.isFinite(r.slippage) ? [['slippage', num(r.slippage)] as [string, string]] : []),
    ['total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['volatility', pct(m.volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['trades', String(m.trades)],
    ['win rate', pct(m.winRate)],
    ['profit factor', num(m.profitFactor)],
    ['exposure', pct(m.exposure)],
    ['fills', String(fillCount(r))],
    ['events', String(r.events)],
    ['load / run', `${r.timing.loadSeconds.toFixed(3)} s / ${r.timing.runSeconds.toFixed(3)} s`],
  ];
  rows.push(...outcomeLines(r));
  rows.push(...warningsOf(r));
  const skipped = r.feeds.reduce((s, f) => s + f.badRows.skipped, 0);
  if (skipped > 0) rows.push(['bad rows skipped', `${skipped} (first: ${r.feeds.find((f) => f.badRows.skipped)?.badRows.examples[0]})`]);
  if (runDir) rows.push(['result', runDir]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/** A portfolio run: one line per sleeve, then the correlation of their returns. */
function sleeveRows(p: NonNullable<RunResult['portfolio']>): Array<[string, string]> {
  const rows = p.sleeves.map((s): [string, string] => [`sleeve ${s.name}`,
    `${s.strategy.name} ${JSON.stringify(s.strategy.params)} on ${s.instruments.join(', ')} · weight ${pct(s.weight)} · final ${num(s.finalValue)} · `
    + `return ${pct(s.metrics.totalReturn)} · Sharpe ${num(s.metrics.sharpe)} · max DD ${pct(s.metrics.maxDrawdown)} · trades ${s.metrics.trades}`]);
  const pairs = p.sleeves.flatMap((a, i) => p.sleeves.slice(i + 1).map((b, j) => `${a.name}/${b.name} ${num(p.correlation[i][i + 1 + j])}`));
  if (pairs.length > 0) rows.push(['correlation', pairs.join(', ')]);
  if (p.rebalance !== 'none') rows.push(['rebalancing', `${p.rebalance}: ${p.rebalances.length} capital moves between sleeves`]);
  return rows;
}

/** Figures that mislead (a CAGR from days, an absurd Sharpe or profit factor), as [figure, why]. */
export function warningsOf(r: Pick<RunResult, 'metrics' | 'equity' | 'spilled' | 'span'>): Array<[string, string]> {
  const span = equitySpan(r);
  return span.last > span.first ? metricWarnings(r.metrics, span.first, span.last) : [];
}

/** One log record as a stderr line: time, level, message, fields. */
export function formatLog(r: LogRecord): string {
  const fields = r.fields && Object.keys(r.fields).length > 0 ? ` ${JSON.stringify(r.fields)}` : '';
  return `${new Date(r.ts / 1000).toISOString()} ${r.level.padEnd(5)} ${r.message}${fields}`;
}

/** The stress replays as summary lines: scenario, final value, return, Sharpe, max drawdown. */
export function formatStress(report: StressReport): string {
  const w = Math.max(...report.rows.map((r) => r.scenario.length));
  return report.rows.map((r) => {
    const head = `stress  ${r.scenario.padEnd(w)}  `;
    if (r.skipped !== undefined) return `${head}not run: ${r.skipped}`;
    const win = r.window ? `  (${r.window.from.slice(0, 10)} → ${r.window.to.slice(0, 10)}, buy & hold ${pct(r.window.buyAndHold)})` : '';
    return `${head}final ${num(r.finalValue)}  return ${pct(r.totalReturn)}  Sharpe ${num(r.sharpe)}  max drawdown ${pct(r.maxDrawdown)}${win}`;
  }).join('\n');
}

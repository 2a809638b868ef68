import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { metricWarnings } from '../analytics/metric-warnings.ts';
import { performanceSummary, type PerformanceSummary } from '../analytics/performance-summary.ts';
import { simpleReturns } from '../analytics/simple-returns.ts';
import type { ReportRun } from '../analytics/report/report-run.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { SavedRun } from './read-run.ts';
import { barCloses } from './bar-closes.ts';
import { benchmarkCloses, benchmarkSource } from './benchmark-source.ts';
import { readRobustness } from './robustness.ts';
import { readRunExtra } from './run-extras.ts';
import type { StressReport } from '../analytics/report/stress-table.ts';
import { outcomeLines } from './run-outcome.ts';

/** Close prices of the run's first data file, or undefined when it cannot be read any more (moved, or ticks). */
async function pricesOf(run: SavedRun): Promise<ReportRun['prices']> {
  const feed = run.config.data[0];
  if (!feed || !existsSync(feed.file)) return undefined;
  try {
    return { symbol: feed.instrument.symbol, ...await barCloses(feed.file, run.long?.interval ?? 0) };
  } catch {
    return undefined; // the report still shows fills without the price line
  }
}

/**
 * The benchmark's closes: the config's `benchmark` (a bars file or catalog stream, a feed's
 * symbol; an error when it cannot be read: the user asked for it), else the traded
 * instrument's prices (buy-and-hold).
 */
async function benchmarkOf(run: SavedRun, prices: ReportRun['prices']): Promise<ReportRun['prices']> {
  const given = run.config.benchmark;
  if (given === undefined) return prices;
  const source = benchmarkSource(given, run.config.data);
  return { symbol: source.name, ...await benchmarkCloses(source, run.long?.interval ?? 0) };
}

/** The benchmark's level at each equity point: its last close at or before the point (undefined when the prices start later). */
function alignedLevel(eqTs: ArrayLike<number>, prices: NonNullable<ReportRun['prices']>): Float64Array | undefined {
  const n = eqTs.length;
  if (n < 2 || prices.ts.length === 0) return undefined;
  const level = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j + 1 < prices.ts.length && prices.ts[j + 1] <= eqTs[i]) j++;
    if (prices.ts[j] > eqTs[i]) return undefined; // equity starts before the prices
    level[i] = prices.close[j];
  }
  return level;
}

/** The outcome lines of a saved run (older runs without the records show none). */
function noticesOf(run: SavedRun, summary: PerformanceSummary): Array<[string, string]> {
  const ts = run.equity.ts;
  const warnings = ts.length > 1 ? metricWarnings(summary, ts[0], ts[ts.length - 1]) : [];
  const { killSwitch, rejections, offGrid } = run.outcome;
  if (rejections === undefined || offGrid === undefined) return warnings;
  return [...outcomeLines({ killSwitch: killSwitch ?? null, rejections, offGrid }), ...warnings];
}

/** Builds the report's input from a saved run; the traded instrument is the alpha/beta benchmark. */
export async function reportRunOf(run: SavedRun): Promise<ReportRun> {
  const prices = await pricesOf(run);
  const mult = new Map(run.config.data.map((d) => {
    const inst = defineInstrument(d.instrument);
    return [inst.id, inst.multiplier] as const;
  }));
  const m = run.config.data.length === 1 ? (mult.values().next().value ?? 1) : 1;
  const long = run.long;
  const tradedNotional = long ? long.tradedNotional * m : run.fills.reduce((s, f) => s + Math.abs(f.price * f.qty) * m, 0);
  const bench = await benchmarkOf(run, prices);
  const level = bench ? alignedLevel(run.equity.ts, bench) : undefined;
  const benchmarkReturns = level ? simpleReturns(level) : undefined;
  const computed = performanceSummary({
    ts: run.equity.ts, equity: run.equity.equity, grossExposure: run.equity.exposure,
    tradeNetPnls: long ? Array.from(long.tradeNetPnls) : run.trades.map((t) => t.netPnl),
    tradedNotional, ...(benchmarkReturns ? { benchmarkReturns } : {}),
    ...(run.config.periodsPerYear !== undefined && !(long && long.interval > 0) ? { periodsPerYear: run.config.periodsPerYear } : {}),
  });
  // A long run: the headline metrics are the run's own, over every point; the rest come from the resampled curve.
  const summary = long ? { ...computed, ...long.metrics } : computed;
  const file = run.config.data[0] ? basename(run.config.data[0].file) : 'memory';
  const title = run.portfolio ? `portfolio of ${run.portfolio.sleeves.map((s) => s.name).join(', ')}` : `${run.strategy.name} on ${file}`;
  const monteCarlo = await readRobustness(run.dir);
  const stress = await readRunExtra<StressReport>(run.dir, 'stress.json', 'lockstep.stress/1');
  const longNotice: Array<[string, string]> = long && long.interval > 0 ? [[`${long.points.toLocaleString('en-US')} equity points`,
    `the headline metrics (return, CAGR, volatility, Sharpe, Sortino, max drawdown, exposure, trades) use every point; the charts and the other `
    + `statistics use the last point of every ${intervalText(long.interval)} (${run.equity.ts.length.toLocaleString('en-US')} points)`]] : [];
  return {
    id: run.id, title, strategy: run.strategy, initialCash: run.initialCash, finalValue: run.finalValue,
    summary, equity: run.equity, trades: run.trades, fills: run.fills, fees: run.fees, slippage: run.slippage, notices: [...noticesOf(run, summary), ...longNotice],
    ...(prices ? { prices } : {}),
    ...(monteCarlo ? { monteCarlo } : {}),
    ...(stress ? { stress } : {}),
    ...(run.portfolio ? { portfolio: run.portfolio } : {}),
    ...(bench && level ? { benchmark: { name: bench.symbol, value: Float64Array.from(level, (x) => (run.initialCash * x) / level[0]) } } : {}),
    ...(long ? { long: { points: long.points, interval: long.interval, trades: long.trades, fills: long.fills, tradeNetPnls: long.tradeNetPnls } } : {}),
  };
}

function intervalText(micros: number): string {
  const min = micros / 60e6;
  return min % 1440 === 0 ? `${min / 1440} day(s)` : min % 60 === 0 ? `${min / 60} hour(s)` : `${min} minute(s)`;
}

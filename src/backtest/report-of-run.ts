import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { metricWarnings } from '../analytics/metric-warnings.ts';
import { performanceSummary, type PerformanceSummary } from '../analytics/performance-summary.ts';
import type { ReportRun } from '../analytics/report/report-run.ts';
import { defineInstrument } from '../core/instrument.ts';
import { openBars } from '../data/read-bars.ts';
import type { SavedRun } from './read-run.ts';
import { outcomeLines } from './run-outcome.ts';

/**
 * Close prices of the run's first data file (for a long run, the last close of every
 * interval of its resampled curve, read as a stream), or undefined when it cannot be read any more.
 */
async function pricesOf(run: SavedRun): Promise<ReportRun['prices']> {
  const feed = run.config.data[0];
  if (!feed || !existsSync(feed.file)) return undefined;
  try {
    const s = await openBars(feed.file, { onBadRow: 'skip' });
    const interval = run.long?.interval ?? 0;
    const ts: number[] = [];
    const close: number[] = [];
    let bucket = Number.NaN;
    for await (const b of s.batches) {
      for (let i = 0; i < b.length; i++) {
        const k = interval > 0 ? Math.floor(b.ts[i] / interval) : Number.NaN; // NaN: every bar its own
        if (k === bucket) {
          ts[ts.length - 1] = b.ts[i];
          close[close.length - 1] = b.close[i];
        } else {
          ts.push(b.ts[i]);
          close.push(b.close[i]);
        }
        bucket = k;
      }
    }
    return { symbol: feed.instrument.symbol, ts: Float64Array.from(ts), close: Float64Array.from(close) };
  } catch {
    return undefined; // the report still shows fills without the price line
  }
}

/** Benchmark returns aligned to the equity points: the last close at or before each point. */
function alignedReturns(eqTs: ArrayLike<number>, prices: NonNullable<ReportRun['prices']>): Float64Array | undefined {
  const n = eqTs.length;
  if (n < 2 || prices.ts.length === 0) return undefined;
  const level = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j + 1 < prices.ts.length && prices.ts[j + 1] <= eqTs[i]) j++;
    if (prices.ts[j] > eqTs[i]) return undefined; // equity starts before the prices
    level[i] = prices.close[j];
  }
  const r = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r[i - 1] = level[i] / level[i - 1] - 1;
  return r;
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
  const benchmarkReturns = prices ? alignedReturns(run.equity.ts, prices) : undefined;
  const computed = performanceSummary({
    ts: run.equity.ts, equity: run.equity.equity, grossExposure: run.equity.exposure,
    tradeNetPnls: long ? Array.from(long.tradeNetPnls) : run.trades.map((t) => t.netPnl),
    tradedNotional, ...(benchmarkReturns ? { benchmarkReturns } : {}),
    ...(run.config.periodsPerYear !== undefined && !(long && long.interval > 0) ? { periodsPerYear: run.config.periodsPerYear } : {}),
  });
  // A long run: the headline metrics are the run's own, over every point; the rest come from the resampled curve.
  const summary = long ? { ...computed, ...long.metrics } : computed;
  const file = run.config.data[0] ? basename(run.config.data[0].file) : 'memory';
  const longNotice: Array<[string, string]> = long && long.interval > 0 ? [[`${long.points.toLocaleString('en-US')} equity points`,
    `the headline metrics (return, CAGR, volatility, Sharpe, Sortino, max drawdown, exposure, trades) use every point; the charts and the other `
    + `statistics use the last point of every ${intervalText(long.interval)} (${run.equity.ts.length.toLocaleString('en-US')} points)`]] : [];
  return {
    id: run.id, title: `${run.strategy.name} on ${file}`, strategy: run.strategy, initialCash: run.initialCash, finalValue: run.finalValue,
    summary, equity: run.equity, trades: run.trades, fills: run.fills, fees: run.fees, notices: [...noticesOf(run, summary), ...longNotice],
    ...(prices ? { prices } : {}),
    ...(long ? { long: { points: long.points, interval: long.interval, trades: long.trades, fills: long.fills, tradeNetPnls: long.tradeNetPnls } } : {}),
  };
}

function intervalText(micros: number): string {
  const min = micros / 60e6;
  return min % 1440 === 0 ? `${min / 1440} day(s)` : min % 60 === 0 ? `${min / 60} hour(s)` : `${min} minute(s)`;
}

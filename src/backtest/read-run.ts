import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import type { CoreMetrics } from '../analytics/core-metrics.ts';
import type { RunResult } from './run-result.ts';
import type { BacktestConfig } from '../config/session-config.ts';
import { readPortfolio } from './portfolio-files.ts';
import { portfolioSummary, type SavedPortfolio } from './portfolio-result.ts';

/** A saved run, read back from `reports/<run-id>/` (plain data; no engine objects). */
export interface SavedRun {
  readonly dir: string;
  readonly id: string;
  readonly config: BacktestConfig;
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly initialCash: number;
  readonly finalValue: number;
  readonly periodsPerYear: number;
  readonly equity: { ts: Float64Array; equity: Float64Array; cash: Float64Array; exposure: Float64Array };
  readonly fills: { ts: number; side: string; price: number; qty: number; fee: number }[];
  readonly trades: { side: string; qty: number; entryTs: number; exitTs: number; entryPrice: number; exitPrice: number; netPnl: number; returnPct: number; bars: number; exitTag?: string; mae?: number; mfe?: number }[];
  /** Fees paid over the run. */
  readonly fees: number;
  /** Slippage paid over the reference prices (NaN when the run's venue has no slippage model, or in older runs). */
  readonly slippage: number;
  /** Kill switch, refusals and off-grid counts as the run recorded them (absent in runs saved before they were). */
  readonly outcome: Partial<Pick<RunResult, 'killSwitch' | 'rejections' | 'offGrid'>>;
  /**
   * Set when the run is too long to read whole for a report (readRunForReport): `equity`
   * then holds the last point of every `interval` µs, `trades` and `fills` the first ones;
   * the exact headline metrics and every trade's net P&L are here.
   */
  readonly long?: LongRunView;
  /** A portfolio run's sleeves: their results, correlation and curves. */
  readonly portfolio?: SavedPortfolio;
}

export interface LongRunView {
  /** Equity points of the run, and the resampling interval (µs) of `equity`. */
  readonly points: number;
  readonly interval: number;
  readonly trades: number;
  readonly fills: number;
  readonly tradeNetPnls: Float64Array;
  /** Sum of |price · qty| over every fill. */
  readonly tradedNotional: number;
  /** The run's metrics over every point (result.json). */
  readonly metrics: CoreMetrics;
}

const num = (c: Float64Array | string[] | undefined, file: string, name: string): Float64Array => {
  if (!(c instanceof Float64Array)) throw new ConfigError(`${file} has no numeric column "${name}": not a Lockstep result`);
  return c;
};
const str = (c: Float64Array | string[] | undefined, file: string, name: string): string[] => {
  if (!Array.isArray(c)) throw new ConfigError(`${file} has no text column "${name}": not a Lockstep result`);
  return c;
};

/** A run folder's result.json, checked. */
export async function readRunSummary(dir: string): Promise<Record<string, unknown>> {
  const jsonFile = join(dir, 'result.json');
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(await readFile(jsonFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${dir} is not a complete run folder (${jsonFile}: ${(e as Error).message}); pass a folder under reports/ written by lockstep backtest`);
  }
  if (summary.schema !== 'lockstep.run/1') throw new ConfigError(`${jsonFile} has schema ${String(summary.schema)}, expected lockstep.run/1`);
  return summary;
}

/** The fields of a saved run that come from result.json alone. */
export function savedRunHead(dir: string, summary: Record<string, unknown>): Omit<SavedRun, 'equity' | 'fills' | 'trades'> {
  const metrics = summary.metrics as { periodsPerYear?: number | null } | undefined;
  return {
    dir, id: String(summary.id), config: summary.config as BacktestConfig,
    strategy: summary.strategy as SavedRun['strategy'],
    initialCash: Number(summary.initialCash), finalValue: Number(summary.finalValue),
    periodsPerYear: metrics?.periodsPerYear ?? Number.NaN,
    fees: Number(summary.fees ?? Number.NaN),
    slippage: typeof summary.slippage === 'number' ? summary.slippage : Number.NaN,
    outcome: {
      ...(summary.killSwitch !== undefined ? { killSwitch: summary.killSwitch as RunResult['killSwitch'] } : {}),
      ...(summary.rejections !== undefined ? { rejections: summary.rejections as RunResult['rejections'] } : {}),
      ...(summary.offGrid !== undefined ? { offGrid: summary.offGrid as RunResult['offGrid'] } : {}),
    },
  };
}

/** Reads result.json and the Parquet series of a run folder (all of them: see readRunForReport for long runs). */
export async function readRun(dir: string): Promise<SavedRun> {
  const summary = await readRunSummary(dir);
  const eqFile = join(dir, 'equity.parquet');
  const eq = (await readParquetColumns(eqFile)).columns;
  const fFile = join(dir, 'fills.parquet');
  const f = (await readParquetColumns(fFile)).columns;
  const tFile = join(dir, 'trades.parquet');
  const t = await readParquetColumns(tFile);
  const fills = str(f.side, fFile, 'side').map((side, i) => ({
    ts: num(f.ts, fFile, 'ts')[i], side, price: num(f.price, fFile, 'price')[i], qty: num(f.qty, fFile, 'qty')[i], fee: num(f.fee, fFile, 'fee')[i],
  }));
  const tc = t.columns;
  const trades = Array.from({ length: t.rows }, (_, i) => ({
    side: str(tc.side, tFile, 'side')[i], qty: num(tc.qty, tFile, 'qty')[i], entryTs: num(tc.entryTs, tFile, 'entryTs')[i],
    exitTs: num(tc.exitTs, tFile, 'exitTs')[i], entryPrice: num(tc.entryPrice, tFile, 'entryPrice')[i], exitPrice: num(tc.exitPrice, tFile, 'exitPrice')[i],
    netPnl: num(tc.netPnl, tFile, 'netPnl')[i], returnPct: num(tc.returnPct, tFile, 'returnPct')[i], bars: num(tc.bars, tFile, 'bars')[i],
    // Runs saved before tags were kept have no exitTag column.
    ...(Array.isArray(tc.exitTag) ? { exitTag: tc.exitTag[i] } : {}),
    // …and none saved before excursions were.
    ...(tc.mae instanceof Float64Array && tc.mfe instanceof Float64Array ? { mae: tc.mae[i], mfe: tc.mfe[i] } : {}),
  }));
  const portfolio = await readPortfolio(dir, summary);
  return {
    ...savedRunHead(dir, summary), ...(portfolio ? { portfolio } : {}),
    equity: { ts: num(eq.ts, eqFile, 'ts'), equity: num(eq.equity, eqFile, 'equity'), cash: num(eq.cash, eqFile, 'cash'), exposure: num(eq.exposure, eqFile, 'exposure') },
    fills, trades,
  };
}

/**
 * The saved-run view of a result still in memory (what `readRun` gives back for its folder,
 * without reading the files again): the report of a fresh backtest is written from it.
 */
export function savedRunOf(r: RunResult, dir: string): SavedRun {
  return {
    dir, id: r.id, config: r.config as BacktestConfig, strategy: r.strategy, initialCash: r.initialCash, finalValue: r.finalValue,
    periodsPerYear: r.metrics.periodsPerYear ?? Number.NaN,
    equity: { ts: Float64Array.from(r.equity.ts), equity: Float64Array.from(r.equity.equity), cash: Float64Array.from(r.equity.cash), exposure: Float64Array.from(r.equity.exposure) },
    fills: r.fills.map((f) => ({ ts: f.ts, side: f.side, price: f.price, qty: f.qty, fee: f.fee })),
    trades: r.trades.map((t) => ({ side: t.side, qty: t.qty, entryTs: t.entryTs, exitTs: t.exitTs, entryPrice: t.entryPrice, exitPrice: t.exitPrice, netPnl: t.netPnl, returnPct: t.returnPct, bars: t.bars, exitTag: t.exitTag, mae: t.mae, mfe: t.mfe })),
    fees: r.fees, slippage: r.slippage, outcome: { killSwitch: r.killSwitch, rejections: r.rejections, offGrid: r.offGrid },
    ...(r.portfolio ? { portfolio: { ...portfolioSummary(r.portfolio), series: r.portfolio.series } } : {}),
  };
}

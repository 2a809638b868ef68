import { builtOnRead } from '../core/built-on-read.ts';
import type { CoreMetrics } from '../analytics/core-metrics.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import type { EquityCurve } from '../engine/equity-recorder.ts';
import type { LogRecord } from '../engine/logger.ts';
import type { PositionView } from '../engine/portfolio.ts';
import type { RoundTrip } from '../engine/trade-log.ts';
import type { SessionConfig } from '../config/session-config.ts';
import type { KillReport } from '../engine/kill-switch.ts';
import type { OffGridSummary, RejectionSummary } from '../engine/rejection-log.ts';
import type { FeedSummary } from '../engine/session-parts.ts';
import type { SeriesCounts } from './result-files.ts';
import type { PortfolioResult } from './portfolio-result.ts';

export type { FeedSummary };

/** Wall-clock timings of a run (not deterministic; everything else is). */
export interface RunTiming {
  /** Time spent reading and validating data. */
  readonly loadSeconds: number;
  /** Time spent in the engine (matching, accounting, strategy). */
  readonly runSeconds: number;
  readonly totalSeconds: number;
}

/** Everything a session (backtest, paper or live) produced: serializable, read by reports and notebooks. */
export interface RunResult {
  /** Result format version. */
  readonly schema: 'lockstep.run/1';
  readonly id: string;
  readonly config: SessionConfig;
  readonly seed: number;
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly instruments: readonly Instrument[];
  readonly initialCash: number;
  /** Cash plus position value at the end. */
  readonly finalValue: number;
  readonly cash: number;
  readonly fees: number;
  /** What fills paid over their reference prices through the slippage model (bar runs); NaN where fills are at book prices. */
  readonly slippage: number;
  readonly metrics: CoreMetrics;
  readonly orders: readonly Order[];
  readonly fills: readonly Fill[];
  /** Closed round trips. */
  readonly trades: readonly RoundTrip[];
  /** Round trips still open at the end. */
  readonly openTrades: readonly RoundTrip[];
  readonly positions: readonly PositionView[];
  readonly equity: EquityCurve;
  /** Market events processed. */
  readonly events: number;
  readonly timing: RunTiming;
  readonly feeds: readonly FeedSummary[];
  /** SHA-256 of the fills: equal digests ⇔ identical fills (empty when the run kept no records; in memory, computed when first read). */
  readonly fillsDigest: string;
  /** What the kill switch did (why, when, the flatten steps, what is left open), or null. */
  readonly killSwitch: KillReport | null;
  /** Every order refused (by the engine or the venue): counts by reason and the first few. */
  readonly rejections: RejectionSummary;
  /** Orders off the instrument's grid, rounded onto it or refused. */
  readonly offGrid: OffGridSummary;
  readonly logs: readonly LogRecord[];
  /**
   * A long run's series (equity, orders, fills, trades) went to Parquet files in this folder
   * as it ran, so memory stayed bounded: read them from there (reading `equity`, `orders`,
   * `fills` or `trades` of such a result throws, naming the folder). Null: all in memory.
   */
  readonly spilled: { readonly dir: string; readonly counts: SeriesCounts; readonly firstTs: number; readonly lastTs: number } | null;
  /** Time of the equity curve's first and last point (µs; NaN without points), read without writing out its `ts` column. */
  readonly span?: { readonly first: number; readonly last: number };
  /** A portfolio run's sleeves (`portfolio.sleeves` in the config): each strategy's book, metrics and curve; null otherwise. */
  readonly portfolio: PortfolioResult | null;
}

/** Lengths of result lists not built yet (listBuiltOnRead), by result. */
const unbuiltLengths = new WeakMap<object, Partial<Record<'fills' | 'orders' | 'trades', number>>>();

/**
 * Makes `result[name]` a list built by `build` when first read and kept from then on;
 * `fillCount`, `orderCount` and `tradeCount` know its length without building it. For a run's
 * records kept as columns (FillLog, OrderLog, RoundTripLog): a run read only for its figures
 * builds no object per record.
 */
export function listBuiltOnRead<T extends object>(result: T, name: 'fills' | 'orders' | 'trades', length: number, build: () => readonly unknown[]): T {
  unbuiltLengths.set(result, { ...unbuiltLengths.get(result), [name]: length });
  return builtOnRead(result, name, build);
}

/** Fills of a run, in memory (built or not) or spilled. */
export function fillCount(r: Pick<RunResult, 'fills' | 'spilled'>): number {
  return r.spilled?.counts.fills ?? unbuiltLengths.get(r)?.fills ?? r.fills.length;
}

/** Orders of a run, in memory (built or not) or spilled. */
export function orderCount(r: Pick<RunResult, 'orders' | 'spilled'>): number {
  return r.spilled?.counts.orders ?? unbuiltLengths.get(r)?.orders ?? r.orders.length;
}

/** Closed round trips of a run, in memory (built or not) or spilled. */
export function tradeCount(r: Pick<RunResult, 'trades' | 'spilled'>): number {
  return r.spilled?.counts.trades ?? unbuiltLengths.get(r)?.trades ?? r.trades.length;
}

/** First and last equity time of a run (NaN without points). */
export function equitySpan(r: Pick<RunResult, 'equity' | 'spilled' | 'span'>): { first: number; last: number } {
  if (r.span !== undefined) return r.span;
  if (r.spilled !== null) return { first: r.spilled.firstTs, last: r.spilled.lastTs };
  const ts = r.equity.ts;
  return ts.length > 0 ? { first: ts[0], last: ts[ts.length - 1] } : { first: Number.NaN, last: Number.NaN };
}

/** Makes a result's series fields throw a clear error: they are in `dir`, not in memory. */
export function markSpilled<T extends object>(result: T, dir: string): T {
  for (const name of ['equity', 'orders', 'fills', 'trades']) {
    Object.defineProperty(result, name, {
      enumerable: false,
      get: () => { throw new Error(`this run's ${name} went to ${dir}/${name}.parquet as it ran (a long run keeps memory bounded): read it from there (readRun, lockstep data query)`); },
    });
  }
  return result;
}

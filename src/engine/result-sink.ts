import type { Fill } from '../core/fill.ts';
import type { Order } from '../core/order.ts';
import type { EquityCurve } from './equity-recorder.ts';
import type { RoundTrip } from './trade-log.ts';

/**
 * Where a long run's series go while it runs, so memory stays bounded by design: the
 * engine keeps at most SPILL_ROWS equity points and SPILL_RECORDS fills, ended orders and
 * closed round trips, and hands every full block here. Implemented above the engine (the
 * backtest writes Parquet row groups into the result's folder). Once anything went to the
 * sink, everything does: at the end the engine hands over the rest (`Engine.spillRest`).
 */
export interface ResultSink {
  /** The first `n` points of each column (the arrays are reused after the call). */
  equity(curve: EquityCurve, n: number): void;
  fills(fills: readonly Fill[]): void;
  /** Orders that ended (open ones only at the end, in their last state). */
  orders(orders: readonly Order[]): void;
  trades(trades: readonly RoundTrip[]): void;
}

/** Equity points held before a block goes to the sink (one Parquet row group; 2 MiB of doubles). */
export const SPILL_ROWS = 65_536;

/**
 * Fills, ended orders or round trips held before a block goes to the sink: objects, so
 * fewer — a block lives long enough to reach V8's old generation, whose growth sets the
 * process's peak memory.
 */
export const SPILL_RECORDS = 8_192;

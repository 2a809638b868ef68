import type { EquityCurve } from './equity-recorder.ts';

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
  /** Fills as columns (a block of the run's FillLog). */
  fills(fills: FillColumns): void;
  /** Orders that ended (open ones only at the end, in their last state), as columns. */
  orders(orders: OrderColumns): void;
  /** Closed round trips as columns (a block of the run's RoundTripLog). */
  trades(trades: TradeColumns): void;
}

/** Fills as columns, one entry per fill in order (the Fill fields). */
export interface FillColumns {
  readonly n: number;
  readonly seq: Float64Array;
  readonly ts: Float64Array;
  readonly orderId: string[];
  readonly instrumentId: string[];
  readonly side: string[];
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly fee: Float64Array;
  readonly liquidity: string[];
}

/**
 * Orders as columns, one entry per order in submission order (the order log hands ended
 * orders to a sink so, building no order object): text fields as strings ('' for no reason
 * or tag), numbers as doubles.
 */
export interface OrderColumns {
  readonly n: number;
  readonly id: string[];
  readonly instrumentId: string[];
  readonly side: string[];
  readonly type: string[];
  readonly tif: string[];
  readonly qty: Float64Array;
  readonly price: Float64Array;
  readonly stopPrice: Float64Array;
  readonly status: string[];
  readonly filledQty: Float64Array;
  readonly avgFillPrice: Float64Array;
  readonly fees: Float64Array;
  readonly createdTs: Float64Array;
  readonly updatedTs: Float64Array;
  readonly reason: string[];
  readonly tag: string[];
}

/** Closed round trips as columns, one entry per trip in closing order (the RoundTrip fields). */
export interface TradeColumns {
  readonly n: number;
  readonly instrumentId: string[];
  readonly side: string[];
  readonly qty: Float64Array;
  readonly entryTs: Float64Array;
  readonly exitTs: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  readonly pnl: Float64Array;
  readonly fees: Float64Array;
  readonly netPnl: Float64Array;
  readonly returnPct: Float64Array;
  readonly bars: Float64Array;
  readonly entryTag: string[];
  readonly exitTag: string[];
  readonly mae: Float64Array;
  readonly mfe: Float64Array;
}

/** Equity points held before a block goes to the sink (one Parquet row group; 2 MiB of doubles). */
export const SPILL_ROWS = 65_536;

/**
 * Fills, ended orders or round trips held before a block goes to the sink (ended orders:
 * twice this, counting the open ones). Fewer than SPILL_ROWS: a block's strings (order ids,
 * instrument ids, tags: references) and the objects an order is while it is open live long
 * enough to reach V8's old generation, whose growth sets the process's peak memory; the
 * records themselves are columns (FillLog, OrderLog, RoundTripLog), handed over as columns.
 */
export const SPILL_RECORDS = 8_192;

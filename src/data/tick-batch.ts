/** Columnar trades: exchange and local timestamps (µs), price, size, aggressor side. */
export interface TradeBatch {
  length: number;
  ts: Float64Array;
  tsLocal: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  /** 1 buyer-initiated, −1 seller-initiated, 0 unknown. */
  aggressor: Int8Array;
  /** Source row of row 0 (for error messages). */
  firstRow: number;
}

/** Columnar top-of-book quotes. */
export interface QuoteBatch {
  length: number;
  ts: Float64Array;
  tsLocal: Float64Array;
  bidPrice: Float64Array;
  bidSize: Float64Array;
  askPrice: Float64Array;
  askSize: Float64Array;
  firstRow: number;
}

/** Delta flags (bit set). */
export const DeltaFlag = { snapshot: 1, clear: 2, last: 4 } as const;

/** Columnar L2 level changes: the new size at a price (0 removes the level). */
export interface DeltaBatch {
  length: number;
  ts: Float64Array;
  tsLocal: Float64Array;
  /** 1 bid, −1 ask. */
  side: Int8Array;
  price: Float64Array;
  qty: Float64Array;
  /** DeltaFlag bits: part of a snapshot, clear the book first, last delta of an atomic update. */
  flags: Uint8Array;
  firstRow: number;
}

export function allocTrades(n: number): TradeBatch {
  return { length: 0, ts: new Float64Array(n), tsLocal: new Float64Array(n), price: new Float64Array(n), qty: new Float64Array(n), aggressor: new Int8Array(n), firstRow: 1 };
}

export function allocQuotes(n: number): QuoteBatch {
  return {
    length: 0, ts: new Float64Array(n), tsLocal: new Float64Array(n), bidPrice: new Float64Array(n), bidSize: new Float64Array(n),
    askPrice: new Float64Array(n), askSize: new Float64Array(n), firstRow: 1,
  };
}

export function allocDeltas(n: number): DeltaBatch {
  return {
    length: 0, ts: new Float64Array(n), tsLocal: new Float64Array(n), side: new Int8Array(n), price: new Float64Array(n),
    qty: new Float64Array(n), flags: new Uint8Array(n), firstRow: 1,
  };
}

/** Any tick batch, tagged. */
export type TickBatch = { kind: 'trades'; batch: TradeBatch } | { kind: 'quotes'; batch: QuoteBatch } | { kind: 'deltas'; batch: DeltaBatch };

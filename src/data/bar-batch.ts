/** Columnar OHLCV rows; timestamps in µs since the epoch. */
export interface BarBatch {
  /** Number of valid rows (arrays may be longer). */
  length: number;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /**
   * Row number of each row in its source, for error messages (1-based data rows; text
   * files count the header line too). Null when rows are consecutive from `firstRow`.
   */
  row: Float64Array | null;
  /** Row number of row 0 when `row` is null. */
  firstRow: number;
}

/** Source row number of row `i` of a batch. */
export function rowOf(b: BarBatch, i: number): number {
  return b.row === null ? b.firstRow + i : b.row[i];
}

/** Allocates an empty batch with room for `capacity` rows. */
export function allocBarBatch(capacity: number): BarBatch {
  return {
    length: 0,
    ts: new Float64Array(capacity), open: new Float64Array(capacity), high: new Float64Array(capacity),
    low: new Float64Array(capacity), close: new Float64Array(capacity), volume: new Float64Array(capacity),
    row: new Float64Array(capacity), firstRow: 0,
  };
}

/** Concatenates batches into one (used by small inputs and tests). */
export function concatBarBatches(batches: readonly BarBatch[]): BarBatch {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const out = allocBarBatch(n);
  let o = 0;
  for (const b of batches) {
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) out[k].set(b[k].subarray(0, b.length), o);
    for (let i = 0; i < b.length; i++) out.row![o + i] = rowOf(b, i);
    o += b.length;
  }
  out.length = n;
  return out;
}

import type { BarBatch } from '../data/bar-batch.ts';

/** OHLCV columns in SharedArrayBuffers: loaded once, read zero-copy by every worker. */
export interface SharedBars {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

const COLS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Copies batches into shared columns (one SharedArrayBuffer per column). */
export function shareBars(batches: readonly BarBatch[]): SharedBars {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const out = Object.fromEntries(COLS.map((k) => [k, new Float64Array(new SharedArrayBuffer(8 * n))])) as Record<(typeof COLS)[number], Float64Array>;
  let o = 0;
  for (const b of batches) {
    for (const k of COLS) out[k].set(b[k].subarray(0, b.length), o);
    o += b.length;
  }
  return { length: n, ...out };
}

/** Zero-copy batches over rows [from, to) of shared bars, `size` rows each (views, no copies). */
export function sliceShared(bars: SharedBars, from = 0, to = bars.length, size = 65_536): BarBatch[] {
  const out: BarBatch[] = [];
  for (let s = from; s < to; s += size) {
    const e = Math.min(to, s + size);
    out.push({
      length: e - s, ts: bars.ts.subarray(s, e), open: bars.open.subarray(s, e), high: bars.high.subarray(s, e),
      low: bars.low.subarray(s, e), close: bars.close.subarray(s, e), volume: bars.volume.subarray(s, e), row: null, firstRow: s + 1,
    });
  }
  return out;
}

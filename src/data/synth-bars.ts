import { createRng, normal } from '../core/rng.ts';
import { MICROS_PER_MINUTE } from '../core/time.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import { ParquetStreamWriter } from './parquet-stream.ts';

export interface SynthBarsOptions {
  /** Number of bars. */
  count: number;
  /** RNG seed. */
  seed: number;
  /** First bar time (µs); default 2020-01-01T00:00Z. */
  start?: number;
  /** Bar spacing (µs); default one minute. */
  step?: number;
  /** Starting price; default 100. */
  price?: number;
  /** Per-bar log-return volatility; default 0.001. */
  sigma?: number;
}

/**
 * Deterministic OHLCV bars from a geometric random walk: each bar's open is the previous
 * close, four intra-bar steps give high/low/close, prices sit on a 0.01 grid, volume is a
 * positive integer. Same options ⇒ identical bars.
 */
export function synthBars(o: SynthBarsOptions): BarBatch {
  const rng = createRng(o.seed);
  const b = allocBarBatch(o.count);
  const step = o.step ?? MICROS_PER_MINUTE;
  const sigma = o.sigma ?? 0.001;
  let t = o.start ?? 1_577_836_800_000_000;
  let px = o.price ?? 100;
  const r2 = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);
  for (let i = 0; i < o.count; i++) {
    const open = r2(px);
    let hi = open;
    let lo = open;
    let p = open;
    for (let k = 0; k < 4; k++) {
      p *= Math.exp((sigma / 2) * normal(rng));
      hi = Math.max(hi, p);
      lo = Math.min(lo, p);
    }
    const close = r2(p);
    b.ts[i] = t;
    b.open[i] = open;
    b.high[i] = Math.max(r2(hi), open, close);
    b.low[i] = Math.min(r2(lo), open, close);
    b.close[i] = close;
    b.volume[i] = 1 + Math.floor(rng.next() * 1000);
    px = close;
    t += step;
  }
  b.length = o.count;
  b.row = null;
  b.firstRow = 1;
  return b;
}

/** Splits a batch into views of at most `size` rows (no copying). */
export function sliceBatches(b: BarBatch, size: number): BarBatch[] {
  const out: BarBatch[] = [];
  for (let s = 0; s < b.length; s += size) {
    const e = Math.min(b.length, s + size);
    out.push({
      length: e - s, ts: b.ts.subarray(s, e), open: b.open.subarray(s, e), high: b.high.subarray(s, e),
      low: b.low.subarray(s, e), close: b.close.subarray(s, e), volume: b.volume.subarray(s, e),
      row: b.row === null ? null : b.row.subarray(s, e), firstRow: b.firstRow + s,
    });
  }
  return out;
}

/**
 * Writes `count` synthetic bars to a Parquet file as a stream of 1M-bar chunks (each chunk
 * continues the last one's time and price; chunk k uses seed + k), in row groups of 65,536:
 * memory stays one chunk whatever the count. Long runs' benchmarks and tests use it.
 */
export function writeSynthBarFile(file: string, o: SynthBarsOptions): void {
  const w = new ParquetStreamWriter(file, { timestamp: 'timestamp', open: 'double', high: 'double', low: 'double', close: 'double', volume: 'double' });
  let start = o.start ?? 1_577_836_800_000_000;
  let price = o.price ?? 100;
  for (let at = 0, chunk = 0; at < o.count; at += 1_000_000, chunk++) {
    const b = synthBars({ ...o, count: Math.min(1_000_000, o.count - at), seed: o.seed + chunk, start, price });
    for (let g = 0; g < b.length; g += 65_536) {
      const e = Math.min(b.length, g + 65_536);
      w.writeRowGroup({ timestamp: b.ts.subarray(g, e), open: b.open.subarray(g, e), high: b.high.subarray(g, e), low: b.low.subarray(g, e), close: b.close.subarray(g, e), volume: b.volume.subarray(g, e) }, e - g);
    }
    start = b.ts[b.length - 1] + (o.step ?? MICROS_PER_MINUTE);
    price = b.close[b.length - 1];
  }
  w.close();
}

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoFromMicros } from '../src/core/time.ts';
import type { BarBatch } from '../src/data/bar-batch.ts';
import { microsColumn, writeParquetFile } from '../src/data/parquet-write.ts';
import { synthBars } from '../src/data/synth-bars.ts';
import { BENCH_DATA } from './bench-util.ts';

export const BAR_COUNT = 1_000_000;
export const BAR_SEED = 42;

/** The bench bars (1M one-minute bars, seed 42), generated deterministically. */
export function benchBars(count = BAR_COUNT): BarBatch {
  return synthBars({ count, seed: BAR_SEED });
}

/** Writes the bench bars as CSV and Parquet under data/bench/ once; returns the paths. */
export async function ensureBarFiles(count = BAR_COUNT): Promise<{ csv: string; parquet: string }> {
  mkdirSync(BENCH_DATA, { recursive: true });
  const csv = join(BENCH_DATA, `bars-${count}.csv`);
  const parquet = join(BENCH_DATA, `bars-${count}.parquet`);
  if (existsSync(csv) && existsSync(parquet)) return { csv, parquet };
  const b = benchBars(count);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < b.length; i++) {
    lines.push(`${isoFromMicros(b.ts[i]).replace('T', ' ').replace('.000Z', '')},${b.open[i]},${b.high[i]},${b.low[i]},${b.close[i]},${b.volume[i]}`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  await writeParquetFile(parquet, {
    timestamp: microsColumn(b.ts.subarray(0, b.length)), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume,
  });
  return { csv, parquet };
}

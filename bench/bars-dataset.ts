import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { isoFromMicros } from '../src/core/time.ts';
import type { BarBatch } from '../src/data/bar-batch.ts';
import { microsColumn, writeParquetFile } from '../src/data/parquet-write.ts';
import { synthBars, writeSynthBarFile } from '../src/data/synth-bars.ts';
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
  // Written by a child process: the encoder's memory (WASM memory never shrinks) must not
  // count in the peak RSS this process reports for the workload.
  execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(count)], { stdio: 'inherit' });
  return { csv, parquet };
}

async function writeBarFiles(count: number, csv: string, parquet: string): Promise<void> {
  const b = benchBars(count);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < b.length; i++) {
    lines.push(`${isoFromMicros(b.ts[i]).replace('T', ' ').replace('.000Z', '')},${b.open[i]},${b.high[i]},${b.low[i]},${b.close[i]},${b.volume[i]}`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  await writeParquetFile(parquet, {
    timestamp: microsColumn(b.ts.subarray(0, b.length)), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume,
  });
}

/**
 * A long bench bar file (data/bench/bars-long-1971-<count>.parquet), written once as a stream of
 * 1M-bar chunks (each chunk continues the last one's time and price) with the streaming
 * Parquet writer: memory stays one chunk whatever the count.
 */
export function ensureLongBarFile(count: number): string {
  mkdirSync(BENCH_DATA, { recursive: true });
  const file = join(BENCH_DATA, `bars-long-1971-${count}.parquet`);
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp-${process.pid}`;
  // From 1971: 100M minutes are 190 years, and times past 2200 are refused as bad input.
  writeSynthBarFile(tmp, { count, seed: BAR_SEED, start: Date.UTC(1971, 0, 1) * 1000 });
  renameSync(tmp, file);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2]);
  await writeBarFiles(count, join(BENCH_DATA, `bars-${count}.csv`), join(BENCH_DATA, `bars-${count}.parquet`));
}

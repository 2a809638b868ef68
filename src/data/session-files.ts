import { readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BarView } from '../core/events.ts';
import { readParquetColumns } from './parquet-read.ts';

/**
 * What a recorded paper/live session folder holds besides its tick parts, that a replay
 * reads back: the live bars as `bars-NNNNN.parquet` parts (stamped when they reached the
 * strategy) and the bar history the strategy was warmed up with.
 */
export const WARMUP_FILE = 'warmup.parquet';

/** Name of the `k`-th bars part. */
export const barsPartName = (k: number): string => `bars-${String(k).padStart(5, '0')}.parquet`;

/** The bars parts a session recorder wrote into a folder, in order (none for other folders and for files). */
export async function recordedBarFiles(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => null);
  if (!s?.isDirectory()) return [];
  return (await readdir(path)).filter((f) => /^bars-\d+\.parquet$/.test(f)).sort().map((f) => join(path, f));
}

/** A bar of a recorded warm-up, before it is given its instrument. */
export type RecordedBar = Omit<BarView, 'instrumentId' | 'instrumentIndex'>;

/** The warm-up bars a session recorded in folder `path` (null when it recorded none). */
export async function recordedWarmUp(path: string): Promise<RecordedBar[] | null> {
  const file = join(path, WARMUP_FILE);
  if (!existsSync(file)) return null;
  const c = (await readParquetColumns(file, { time: ['timestamp'] })).columns as Record<string, Float64Array>;
  return Array.from(c.timestamp, (ts, k) => ({
    ts, tsLocal: ts, open: c.open[k], high: c.high[k], low: c.low[k], close: c.close[k], volume: c.volume[k],
  }));
}

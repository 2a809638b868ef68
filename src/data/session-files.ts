import { readdir, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BarView } from '../core/events.ts';
import { DataError } from '../core/errors.ts';
import { readParquetColumns } from './parquet-read.ts';

/*
 * What a recorded paper/live session folder holds besides its tick parts, that a replay
 * reads back: the live bars as `bars-NNNNN.parquet` parts (stamped when they reached the
 * strategy), the bar history the strategy was warmed up with, and the session's own actions.
 */

/** The warm-up history of a recorded session. */
export const WARMUP_FILE = 'warmup.parquet';

/** The session's own actions a replay repeats at the same point of the market (`control.jsonl`, one JSON object a line). */
export const CONTROL_FILE = 'control.jsonl';

/**
 * What the session did on its own, from outside the strategy and the market: a stale-feed
 * episode's two ends, `pause` (trading paused and open orders cancelled, after the event at
 * `ts`) and `resume` (after the first event back), and `kill` (a signal, `lockstep kill` or
 * an outage tripped the kill switch; the risk engine's own kills are not recorded: a replay
 * makes those itself, or shows why not).
 */
export interface SessionControl {
  readonly kind: 'pause' | 'resume' | 'kill';
  /** The session's clock when it happened (µs). */
  readonly ts: number;
  readonly reason?: string;
}

/** Name of a recorded stream's `k`-th part: `KIND-NNNNN.parquet` (deltas, trades, quotes, bars). */
export const partName = (kind: string, k: number): string => `${kind}-${String(k).padStart(5, '0')}.parquet`;

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

/** The controls a session recorded in folder `path`, in order (none when it had none); a line that is not one names its row. */
export function recordedControls(path: string): SessionControl[] {
  const file = join(path, CONTROL_FILE);
  if (!existsSync(file)) return [];
  const out: SessionControl[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    let c: Partial<SessionControl> | null = null;
    try {
      c = JSON.parse(line) as Partial<SessionControl>;
    } catch {
      // reported below
    }
    if (c === null || !['pause', 'resume', 'kill'].includes(c.kind as string) || !Number.isFinite(c.ts)) {
      throw new DataError({ file, row: k + 1 }, `not a session control: ${line.slice(0, 80)}`, 'Each line is {"kind":"pause"|"resume"|"kill","ts":µs}; delete a line torn by a crash');
    }
    out.push(c as SessionControl);
  });
  return out;
}

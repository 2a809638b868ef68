import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parquetFilesIn } from '../core/files.ts';
import { ConfigError } from '../core/errors.ts';
import type { BarBatch } from './bar-batch.ts';
import type { BarHistory } from './bar-history.ts';
import { validateBars, type BarValidationState } from './bar-validation.ts';
import { BadRowHandler, BadRowPolicy } from './bad-rows.ts';
import { BatchRecycler, readCsvBars } from './csv-bars.ts';

export const BarFormat = { csv: 'csv', parquet: 'parquet', arrow: 'arrow' } as const;
export type BarFormat = (typeof BarFormat)[keyof typeof BarFormat];

/** Valid rows outside the from/to window (`count`), and the time of the first and last valid row (µs; NaN when none). */
export interface RowsSeen {
  count: number;
  first: number;
  last: number;
}

export interface ReadBarsOptions {
  /** Bad-row policy; default error. */
  onBadRow?: BadRowPolicy;
  /** Keep rows at or after this time (µs). */
  from?: number;
  /** Keep rows at or before this time (µs). */
  to?: number;
  /** Collects the rows before `from` (a strategy's warm-up history). */
  history?: BarHistory;
}

/** A validated stream of bar batches plus what was skipped on the way. */
export interface BarStream {
  readonly file: string;
  /** Reader used, or `memory` for in-memory batches. */
  readonly format: BarFormat | 'memory';
  readonly batches: AsyncIterable<BarBatch>;
  /** Filled as the stream is consumed. */
  readonly badRows: BadRowHandler;
  /** Rows outside the from/to window (not errors). */
  readonly filtered: RowsSeen;
  /**
   * Gives back a batch this stream yielded, once the caller keeps no reference to it or its
   * columns: the reader may refill it with later rows (see BatchRecycler). Absent when the
   * reader makes every batch new; a caller that keeps batches never calls it.
   */
  readonly recycle?: (batch: BarBatch) => void;
}

/** Picks the reader from the file extension. */
export function barFormatOf(file: string): BarFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return BarFormat.parquet;
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc' || ext === '.arrows') return BarFormat.arrow;
  return BarFormat.csv;
}

/**
 * Opens a bar file of any supported format, validating and windowing every batch. A folder
 * (a bar type's folder of NautilusTrader's catalog, `…/data/bar/TYPE`) is its Parquet parts
 * in name order, validated as one series.
 */
export async function openBars(file: string, opts: ReadBarsOptions = {}): Promise<BarStream> {
  const s = await stat(file).catch(() => null);
  if (s === null) throw new ConfigError(`data file ${file} not found: pass an existing CSV, Parquet or Arrow file with --data`);
  const parts = s.isDirectory() ? await parquetFilesIn(file) : null;
  if (parts?.length === 0) throw new ConfigError(`data folder ${file} holds no Parquet bar files`);
  if (parts === null && !s.isFile()) throw new ConfigError(`data path ${file} is not a file`);
  const format = parts !== null ? BarFormat.parquet : barFormatOf(file);
  // Arrow and Parquet readers load apache-arrow and the wasm decoder: only when needed.
  const recycler = format === BarFormat.csv ? new BatchRecycler() : null;
  const raw = recycler !== null ? readCsvBars(file, { recycler })
    : parts !== null ? partsOf(parts, (await import('./arrow-bars.ts')).readParquetBars)
    : format === BarFormat.parquet ? (await import('./arrow-bars.ts')).readParquetBars(file)
    : (await import('./arrow-bars.ts')).readArrowBars(file);
  const handler = new BadRowHandler(opts.onBadRow ?? BadRowPolicy.error);
  const state: BarValidationState = { file, prevTs: -Infinity };
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const filtered: RowsSeen = { count: 0, first: Number.NaN, last: Number.NaN };
  async function* batches(): AsyncGenerator<BarBatch> {
    for await (const b of raw) {
      validateBars(b, state, handler);
      if (b.length > 0) {
        if (Number.isNaN(filtered.first)) filtered.first = b.ts[0];
        filtered.last = b.ts[b.length - 1];
      }
      if (from !== -Infinity || to !== Infinity) window(b, from, to, filtered, opts.history);
      if (b.length > 0) yield b;
      else recycler?.giveBack(b); // every row outside the window: refilled at once
    }
  }
  return { file, format, batches: batches(), badRows: handler, filtered, ...(recycler ? { recycle: (b: BarBatch) => recycler.giveBack(b) } : {}) };
}

/** The bars of several files, one after another. */
async function* partsOf(files: readonly string[], read: (file: string) => AsyncIterable<BarBatch>): AsyncGenerator<BarBatch> {
  for (const f of files) yield* read(f);
}

function window(b: BarBatch, from: number, to: number, filtered: RowsSeen, history: BarHistory | undefined): void {
  if (b.row === null) b.row = Float64Array.from({ length: b.length }, (_, i) => b.firstRow + i);
  let w = 0;
  for (let r = 0; r < b.length; r++) {
    const t = b.ts[r];
    if (t < from || t > to) {
      filtered.count++;
      if (t < from) history?.push(t, b.open[r], b.high[r], b.low[r], b.close[r], b.volume[r]);
      continue;
    }
    if (w !== r) {
      b.ts[w] = t; b.open[w] = b.open[r]; b.high[w] = b.high[r]; b.low[w] = b.low[r];
      b.close[w] = b.close[r]; b.volume[w] = b.volume[r];
      if (b.row !== null) b.row[w] = b.row[r];
    }
    w++;
  }
  b.length = w;
}

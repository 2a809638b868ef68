import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../core/errors.ts';
import type { BarBatch } from './bar-batch.ts';
import { arrowColumnToFloat64, loadArrow, textAsNumber, UnsupportedColumn } from './arrow-columns.ts';
import { barColumnsFromHeader } from './csv-bars.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet, readParquetBytes } from './parquet-fast.ts';

/** Reads column `idx` as doubles (µs when `asTime`). */
type ColumnAt = (idx: number, asTime: boolean) => Float64Array;

/** A BarBatch from OHLCV columns matched by name (any case), read through `get`. */
function barBatchOf(names: string[], get: ColumnAt, n: number, file: string, firstRow: number): BarBatch {
  const cols = barColumnsFromHeader(names, file);
  const col = (idx: number, asTime: boolean): Float64Array => {
    try {
      return get(idx, asTime);
    } catch (e) {
      if (e instanceof UnsupportedColumn) {
        throw new DataError({ file, row: firstRow, field: names[idx] }, e.message, 'Store it as a number or timestamp column');
      }
      throw e;
    }
  };
  const ts = col(cols.ts, true);
  if (cols.time >= 0) {
    const tod = col(cols.time, false);
    for (let i = 0; i < n; i++) ts[i] += tod[i];
  }
  return {
    length: n, ts, open: col(cols.open, false), high: col(cols.high, false), low: col(cols.low, false),
    close: col(cols.close, false), volume: cols.volume >= 0 ? col(cols.volume, false) : new Float64Array(n),
    row: null, firstRow,
  };
}

/** Converts one Arrow record batch of OHLCV columns (matched by name, any case) to a BarBatch. */
export function barBatchFromArrow(rb: RecordBatch, file: string, firstRow: number): BarBatch {
  return barBatchOf(rb.schema.fields.map((f) => f.name), (idx, asTime) => arrowColumnToFloat64(rb.getChildAt(idx)!, asTime), rb.numRows, file, firstRow);
}

/** Streams an Arrow IPC file or stream (`.arrow`, `.feather`, `.ipc`) as bar batches. */
export async function* readArrowBars(file: string): AsyncGenerator<BarBatch> {
  if ((await stat(file)).size === 0) throw notArrow(file, 0, 'the file is empty');
  const { RecordBatchReader } = await loadArrow();
  let row = 1;
  const batches = async function* () {
    try {
      const reader = await RecordBatchReader.from(createReadStream(file));
      if (reader.isFile() === false && reader.isStream() === false) throw new Error('no Arrow schema');
      for await (const rb of reader) yield rb;
    } catch (e) {
      throw e instanceof DataError ? e : notArrow(file, row, (e as Error).message);
    }
  };
  for await (const rb of batches()) {
    if (rb.numRows === 0) continue;
    yield barBatchFromArrow(rb, file, row);
    row += rb.numRows;
  }
}

/** A file the Arrow reader cannot read (truncated, corrupt, or not Arrow at all). */
function notArrow(file: string, row: number, why: string): DataError {
  return new DataError({ file, row }, `not a readable Arrow IPC file (${why.slice(0, 200)})`, 'Check the file is a complete Arrow IPC file or stream (or use CSV or Parquet)');
}

/**
 * Streams a Parquet file's bars in batches of at most `batchSize` rows. Flat files of numbers
 * and text (ours, and most OHLCV exports, a symbol or date-time column included) decode row
 * group by row group with parquet-fast.ts; the rest go through parquet-wasm and Arrow, decoded
 * whole (see readParquetTable).
 */
export async function* readParquetBars(file: string, batchSize = 65_536): AsyncGenerator<BarBatch> {
  const fast = FastParquet.openFile(file, { text: true });
  if (fast === null) {
    const table = await readParquetTable(file, batchSize, await readParquetBytes(file));
    let row = 1;
    for (const rb of table.batches) {
      if (rb.numRows === 0) continue;
      yield barBatchFromArrow(rb, file, row);
      row += rb.numRows;
    }
    return;
  }
  try {
    yield* fastBars(fast, file, batchSize);
  } finally {
    fast.close();
  }
}

/** A flat Parquet file's bars, row group by row group (memory: one row group). */
function* fastBars(fast: FastParquet, file: string, batchSize: number): Generator<BarBatch> {
  const names = fast.columns.map((c) => c.name);
  let row = 1;
  for (let g = 0; g < fast.rowGroups.length; g++) {
    const n = fast.rowGroups[g].numRows;
    if (n === 0) continue;
    let texts: Map<string, string[]> | null = null; // decoded only when a bar column is text (a symbol column never is)
    const column = (idx: number, asTime: boolean): Float64Array => {
      const c = fast.columns[idx];
      if (c.physical !== 'text') return fast.readColumn(g, c.name, asTime);
      const cells = (texts ??= fast.readRowGroupTexts(g)).get(c.name)!;
      return Float64Array.from(cells, (x) => textAsNumber(x, asTime)); // as the Arrow path reads a text column
    };
    const whole = barBatchOf(names, column, n, file, row);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      yield s === 0 && e === n ? whole : {
        length: e - s, ts: whole.ts.subarray(s, e), open: whole.open.subarray(s, e), high: whole.high.subarray(s, e),
        low: whole.low.subarray(s, e), close: whole.close.subarray(s, e), volume: whole.volume.subarray(s, e), row: null, firstRow: row + s,
      };
    }
    row += n;
  }
}

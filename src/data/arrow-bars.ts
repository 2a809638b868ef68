import { createReadStream } from 'node:fs';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { DataError } from '../core/errors.ts';
import type { BarBatch } from './bar-batch.ts';
import { arrowColumnToFloat64, UnsupportedColumn } from './arrow-columns.ts';
import { barColumnsFromHeader } from './csv-bars.ts';
import { readParquetTable } from './parquet-batches.ts';

/** Converts one Arrow record batch of OHLCV columns (matched by name, any case) to a BarBatch. */
export function barBatchFromArrow(rb: RecordBatch, file: string, firstRow: number): BarBatch {
  const names = rb.schema.fields.map((f) => f.name);
  const cols = barColumnsFromHeader(names, file);
  const col = (idx: number, asTime: boolean): Float64Array => {
    try {
      return arrowColumnToFloat64(rb.getChildAt(idx)!, asTime);
    } catch (e) {
      if (e instanceof UnsupportedColumn) {
        throw new DataError({ file, row: firstRow, field: names[idx] }, e.message, 'Store it as a number or timestamp column');
      }
      throw e;
    }
  };
  const n = rb.numRows;
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

/** Streams an Arrow IPC file or stream (`.arrow`, `.feather`, `.ipc`) as bar batches. */
export async function* readArrowBars(file: string): AsyncGenerator<BarBatch> {
  const reader = await RecordBatchReader.from(createReadStream(file));
  let row = 1;
  for await (const rb of reader) {
    if (rb.numRows === 0) continue;
    yield barBatchFromArrow(rb, file, row);
    row += rb.numRows;
  }
}

/** Streams a Parquet file's bars in batches (decoded whole: see readParquetTable). */
export async function* readParquetBars(file: string, batchSize = 65_536): AsyncGenerator<BarBatch> {
  const table = await readParquetTable(file, batchSize);
  let row = 1;
  for (const rb of table.batches) {
    if (rb.numRows === 0) continue;
    yield barBatchFromArrow(rb, file, row);
    row += rb.numRows;
  }
}

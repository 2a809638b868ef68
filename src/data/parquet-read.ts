import { arrowColumnToFloat64, isTextType, loadArrow } from './arrow-columns.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet, readParquetBytes } from './parquet-fast.ts';

/** A small Parquet file read whole: numeric columns as doubles, string columns as strings. */
export interface ParquetColumns {
  readonly rows: number;
  readonly columns: Readonly<Record<string, Float64Array | string[]>>;
}

/** `time`: columns read as times even when the file stores them as plain numbers (s, ms, µs or ns by magnitude). */
export interface ReadColumnsOptions { readonly time?: readonly string[] }

/**
 * Reads every column of a (result-sized) Parquet file into memory: timestamps as µs, nulls as
 * NaN or ''. Files in parquet-fast's subset with text (every run folder's series) are decoded
 * there, the rest through parquet-wasm and Arrow.
 */
export async function readParquetColumns(file: string, opts: ReadColumnsOptions = {}): Promise<ParquetColumns> {
  const bytes = await readParquetBytes(file);
  const fast = FastParquet.open(bytes, file, { text: true });
  const time = new Set(opts.time);
  return fast !== null ? fastColumns(fast, time) : generalColumns(file, bytes, time);
}

/** Every column of a file in parquet-fast's subset, its row groups joined. */
function fastColumns(fast: FastParquet, time: ReadonlySet<string>): ParquetColumns {
  const rows = fast.numRows;
  const columns: Record<string, Float64Array | string[]> = {};
  for (const c of fast.columns) columns[c.name] = c.physical === 'text' ? new Array<string>(rows) : new Float64Array(rows);
  let at = 0;
  for (let g = 0; g < fast.rowGroups.length; g++) {
    for (const c of fast.columns) if (c.physical !== 'text') (columns[c.name] as Float64Array).set(fast.readColumn(g, c.name, time.has(c.name)), at);
    for (const [name, values] of fast.readRowGroupTexts(g)) {
      const out = columns[name] as string[];
      for (let k = 0; k < values.length; k++) out[at + k] = values[k];
    }
    at += fast.rowGroups[g].numRows;
  }
  return { rows, columns };
}

/** Every column through parquet-wasm and Arrow (compressions, types and nesting parquet-fast leaves alone). */
async function generalColumns(file: string, bytes: Uint8Array, time: ReadonlySet<string>): Promise<ParquetColumns> {
  const table = await readParquetTable(file, undefined, bytes);
  const { DataType } = await loadArrow();
  const columns: Record<string, Float64Array | string[]> = {};
  for (const field of table.schema.fields) {
    const vec = table.getChild(field.name)!;
    // A column with no values at all (e.g. every order's `reason` unset) has the Null type.
    if (DataType.isNull(field.type)) {
      columns[field.name] = new Array<string>(table.numRows).fill('');
      continue;
    }
    columns[field.name] = isTextType(field.type)
      ? Array.from({ length: vec.length }, (_, i) => String(vec.get(i) ?? ''))
      : arrowColumnToFloat64(vec, DataType.isTimestamp(field.type) || time.has(field.name)).slice();
  }
  return { rows: table.numRows, columns };
}

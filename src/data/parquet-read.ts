import { arrowColumnToFloat64, loadArrow } from './arrow-columns.ts';
import { readParquetTable } from './parquet-batches.ts';

/** A small Parquet file read whole: numeric columns as doubles, string columns as strings. */
export interface ParquetColumns {
  readonly rows: number;
  readonly columns: Readonly<Record<string, Float64Array | string[]>>;
}

/** Reads every column of a (result-sized) Parquet file into memory. */
export async function readParquetColumns(file: string): Promise<ParquetColumns> {
  const table = await readParquetTable(file);
  const { DataType } = await loadArrow();
  const columns: Record<string, Float64Array | string[]> = {};
  for (const field of table.schema.fields) {
    const vec = table.getChild(field.name)!;
    // A column with no values at all (e.g. every order's `reason` unset) has the Null type.
    if (DataType.isNull(field.type)) {
      columns[field.name] = new Array<string>(table.numRows).fill('');
      continue;
    }
    const text = DataType.isUtf8(field.type) || DataType.isLargeUtf8(field.type)
      || (DataType.isDictionary(field.type) && DataType.isUtf8(field.type.dictionary));
    columns[field.name] = text
      ? Array.from({ length: vec.length }, (_, i) => String(vec.get(i) ?? ''))
      : arrowColumnToFloat64(vec, DataType.isTimestamp(field.type)).slice();
  }
  return { rows: table.numRows, columns };
}

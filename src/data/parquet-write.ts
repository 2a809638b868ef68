import { writeFile } from 'node:fs/promises';
import { loadParquetWasm } from './parquet-wasm.ts';

/** A column: doubles, 64-bit integers (e.g. µs timestamps) or strings. */
export type ParquetColumn = Float64Array | BigInt64Array | string[];

/**
 * Encodes named columns as a Parquet file in memory: Snappy pages in 64k-row groups, 64-bit
 * integer columns (µs timestamps) DELTA_BINARY_PACKED, the rest dictionary-encoded where
 * that pays. Delta timestamps make tick files about 3× smaller than plain zstd ones and
 * keep them in the subset parquet-fast.ts decodes directly (the format pyarrow and Spark
 * default to, Snappy, reads everywhere).
 */
export async function encodeParquet(columns: Record<string, ParquetColumn>, rowGroupSize = 65_536): Promise<Uint8Array> {
  const pw = await loadParquetWasm();
  // Loaded here, not at the top: readers (reader threads) import this module without needing Arrow.
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  // Arrow JS may share one buffer between identical input arrays; give each column its own copy.
  const cols: Record<string, ParquetColumn> = {};
  for (const [k, v] of Object.entries(columns)) cols[k] = Array.isArray(v) ? v : v.slice();
  const ipc = tableToIPC(tableFromArrays(cols as Parameters<typeof tableFromArrays>[0]), 'stream');
  const table = pw.Table.fromIPCStream(ipc);
  let builder = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(rowGroupSize);
  for (const [k, v] of Object.entries(cols)) {
    if (v instanceof BigInt64Array) builder = builder.setColumnDictionaryEnabled(k, false).setColumnEncoding(k, pw.Encoding.DELTA_BINARY_PACKED);
  }
  const props = builder.build();
  return pw.writeParquet(table, props);
}

/** Writes named columns to a Parquet file. */
export async function writeParquetFile(file: string, columns: Record<string, ParquetColumn>, rowGroupSize?: number): Promise<void> {
  await writeFile(file, await encodeParquet(columns, rowGroupSize));
}

/** Micros (held in doubles) as exact 64-bit integers for a timestamp column. */
export function microsColumn(ts: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!Number.isSafeInteger(t)) throw new RangeError(`timestamp ${t} at index ${i} is not an integer count of µs`);
    out[i] = BigInt(t);
  }
  return out;
}

import type { Table } from 'apache-arrow';
import { loadArrow } from './arrow-columns.ts';
import { DataError } from '../core/errors.ts';
import { readParquetBytes } from './parquet-fast.ts';
import { loadParquetWasm } from './parquet-wasm.ts';

/**
 * Decodes a whole Parquet file (or its `bytes`, already read) into an Arrow table of `batchSize`-row batches. The
 * synchronous decoder is used on purpose: a corrupted file then fails with a catchable
 * error, whereas parquet-wasm's async reader can panic inside a callback and take the
 * process down. (Big files are decoded on reader threads, where a crash stays contained.)
 */
export async function readParquetTable(file: string, batchSize = 65_536, bytes?: Uint8Array): Promise<Table> {
  const pw = await loadParquetWasm();
  const { tableFromIPC } = await loadArrow();
  bytes ??= await readParquetBytes(file);
  try {
    return tableFromIPC(pw.readParquet(bytes, { batchSize }).intoIPCStream());
  } catch (e) {
    throw new DataError({ file, row: 0 }, `not a readable Parquet file (${String((e as Error).message ?? e).split('\n')[0]})`, 'Check the file is complete, uncorrupted Parquet');
  }
}

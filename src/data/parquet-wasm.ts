import { createRequire } from 'node:module';

type ParquetWasm = typeof import('parquet-wasm/node');
let cached: ParquetWasm | undefined;

/** Loads the Node build of parquet-wasm once (a CommonJS module that instantiates its WASM synchronously). */
export async function loadParquetWasm(): Promise<ParquetWasm> {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = require('parquet-wasm/node') as ParquetWasm;
  }
  return cached;
}

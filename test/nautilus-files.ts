import { writeFileSync } from 'node:fs';
import { FixedSizeBinary, makeData, makeVector, Table, tableToIPC, type Vector } from 'apache-arrow';
import { loadParquetWasm } from '../src/data/parquet-wasm.ts';

/** Files laid out as NautilusTrader's catalog writes them, for the tests of their readers. */

/** Little-endian two's complement bytes of `raws`, `width` each (NautilusTrader's PriceRaw / QuantityRaw). */
export function rawBytes(raws: readonly bigint[], width: number): Uint8Array {
  const out = new Uint8Array(raws.length * width);
  raws.forEach((r, i) => {
    let u = BigInt.asUintN(8 * width, r);
    for (let b = 0; b < width; b++, u >>= 8n) out[i * width + b] = Number(u & 0xffn);
  });
  return out;
}

/** Raws of one decimal value per string at `fp`'s raw scale ("50123.45" → 50123.45 × 10^rawDecimals). */
export function rawsOf(values: readonly string[], rawDecimals: number): bigint[] {
  return values.map((v) => {
    const [int, frac = ''] = v.replace('-', '').split('.');
    const mag = BigInt(int + frac.padEnd(rawDecimals, '0'));
    return v.startsWith('-') ? -mag : mag;
  });
}

/**
 * A Parquet file laid out as NautilusTrader's catalog writes one: FixedSizeBinary(width)
 * prices and sizes, uint64 ns times, the precisions in the Arrow schema's metadata, written
 * by arrow-rs (parquet-wasm is arrow-rs; NautilusTrader's Rust catalog writes with it too).
 */
export async function writeNautilus(file: string, width: number, cols: Record<string, bigint[] | BigUint64Array | Uint8Array>, metadata: Record<string, string>): Promise<string> {
  const pw = await loadParquetWasm();
  const vectors: Record<string, Vector> = {};
  for (const [name, c] of Object.entries(cols)) {
    if (Array.isArray(c)) vectors[name] = makeVector(makeData({ type: new FixedSizeBinary(width), length: c.length, nullCount: 0, data: rawBytes(c, width) }));
    else vectors[name] = makeVector(c);
  }
  const table = new Table(vectors);
  for (const [k, v] of Object.entries(metadata)) table.schema.metadata.set(k, v);
  writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), new pw.WriterPropertiesBuilder().build()));
  return file;
}

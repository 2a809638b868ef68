import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { arrowColumnToFloat64 } from './arrow-columns.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet } from './parquet-fast.ts';
import { openBars } from './read-bars.ts';
import { ThriftWriter } from './thrift-compact-write.ts';

const tmp = tempDir();
const DAY_US = 86_400_000_000;

/**
 * An INT96 timestamp as the format defines it (Impala, Hive, older Spark): nanoseconds within
 * the UTC day (8 bytes, little-endian), then the Julian day (4 bytes; 1970-01-01 is 2,440,588).
 */
function int96(us: number, extraNanos = 0): Uint8Array {
  const day = Math.floor(us / DAY_US);
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(us - day * DAY_US) * 1000n + BigInt(extraNanos), true);
  v.setInt32(8, day + 2_440_588, true);
  return b;
}

type Chunk = { name: string; type: number; pages: Uint8Array; dataOffset: number; dictOffset: number; size: number; encodings: number[] };

const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;
const INT96 = 3;
const DOUBLE = 5;

function pageHeader(kind: 'data' | 'dict', values: number, size: number, encoding: number): Uint8Array {
  const w = new ThriftWriter();
  w.structBody((h) => {
    h.i32(1, kind === 'data' ? 0 : 2).i32(2, size).i32(3, size);
    if (kind === 'data') h.struct(5, (d) => d.i32(1, values).i32(2, encoding).i32(3, RLE).i32(4, RLE));
    else h.struct(7, (d) => d.i32(1, values).i32(2, PLAIN));
  });
  return w.bytes().slice();
}

const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

/**
 * A one-row-group Parquet file made by hand (uncompressed, REQUIRED columns, data pages v1):
 * an INT96 `timestamp` — PLAIN, or dictionary-encoded as Spark writes it — and DOUBLE bar columns.
 */
function int96BarFile(name: string, stamps: Uint8Array[], bars: Record<string, number[]>, dictionary: boolean): string {
  const chunks: Chunk[] = [];
  let at = 4;
  const add = (c: Omit<Chunk, 'dataOffset' | 'dictOffset' | 'size'>, dictBytes: number) => {
    chunks.push({ ...c, dictOffset: dictBytes > 0 ? at : -1, dataOffset: at + dictBytes, size: c.pages.length });
    at += c.pages.length;
  };
  if (dictionary) {
    // The dictionary holds the stamps in reverse; the indices (bit width 2, one bit-packed group of 8) point back.
    const dict = concat([...stamps].reverse());
    const idx = stamps.map((_, k) => stamps.length - 1 - k);
    const packed = new Uint8Array(2);
    idx.forEach((v, k) => { packed[(2 * k) >> 3] |= v << ((2 * k) & 7); });
    const data = concat([Uint8Array.of(2, (1 << 1) | 1), packed]);
    const dictPage = concat([pageHeader('dict', stamps.length, dict.length, PLAIN), dict]);
    add({ name: 'timestamp', type: INT96, pages: concat([dictPage, pageHeader('data', stamps.length, data.length, RLE_DICTIONARY), data]), encodings: [PLAIN, RLE, RLE_DICTIONARY] }, dictPage.length);
  } else {
    const data = concat(stamps);
    add({ name: 'timestamp', type: INT96, pages: concat([pageHeader('data', stamps.length, data.length, PLAIN), data]), encodings: [PLAIN, RLE] }, 0);
  }
  for (const [col, values] of Object.entries(bars)) {
    const data = new Uint8Array(Float64Array.from(values).buffer);
    add({ name: col, type: DOUBLE, pages: concat([pageHeader('data', values.length, data.length, PLAIN), data]), encodings: [PLAIN, RLE] }, 0);
  }
  const rows = stamps.length;
  const w = new ThriftWriter();
  w.structBody((f) => f.i32(1, 1)
    .listStruct(2, [null, ...chunks], (s, c) => (c === null ? s.string(4, 'schema').i32(5, chunks.length) : s.i32(1, c.type).i32(3, 0).string(4, c.name)))
    .i64(3, rows)
    .listStruct(4, [chunks], (g, cs) => g
      .listStruct(1, cs, (cc, c) => cc.i64(2, c.dataOffset).struct(3, (m) => {
        m.i32(1, c.type).listI32(2, c.encodings).listString(3, [c.name]).i32(4, 0).i64(5, rows).i64(6, c.size).i64(7, c.size).i64(9, c.dataOffset);
        if (c.dictOffset >= 0) m.i64(11, c.dictOffset);
      }))
      .i64(2, at - 4).i64(3, rows))
    .string(6, 'lockstep int96 test'));
  const footer = w.bytes();
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, footer.length, true);
  const file = tmp.file(name);
  writeFileSync(file, concat([Buffer.from('PAR1'), ...chunks.map((c) => c.pages), footer, len, Buffer.from('PAR1')]));
  return file;
}

/** The timestamps as DuckDB reads them (its own Parquet reader), in µs since the epoch. */
async function duckdbMicros(file: string): Promise<number[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(`SELECT epoch_us("timestamp") AS us FROM read_parquet('${file}')`);
  const out = r.getRowObjects().map((row) => Number(row.us));
  c.closeSync();
  return out;
}

// 2024-03-04 09:30, 09:31 and the next day's 00:00 (across a Julian day), in µs.
const T0 = Date.UTC(2024, 2, 4, 9, 30) * 1000;
const STAMPS_US = [T0, T0 + 60_000_000, Date.UTC(2024, 2, 5) * 1000];
const BARS = { open: [100, 100.5, 101], high: [101, 102, 101.5], low: [99, 100, 100.2], close: [100.5, 101, 100.8], volume: [10, 12, 9] };

describe('INT96 timestamps (Impala, Hive, older Spark) in the JavaScript Parquet decoder', () => {
  for (const dictionary of [false, true]) {
    it(`${dictionary ? 'dictionary-encoded' : 'PLAIN'}: the decoder takes the file and reads the µs DuckDB and parquet-wasm read`, async () => {
      const file = int96BarFile(`bars-int96-${dictionary ? 'dict' : 'plain'}.parquet`, STAMPS_US.map((us) => int96(us)), BARS, dictionary);
      const fast = FastParquet.open(readFileSync(file), file);
      expect(fast, 'an INT96 file is in the decoder\'s subset').not.toBeNull();
      expect(fast!.columns.find((c) => c.name === 'timestamp')).toMatchObject({ physical: 'int96', time: { unit: 'us' } });
      expect(await duckdbMicros(file)).toEqual(STAMPS_US);
      const arrow = await readParquetTable(file);
      expect([...arrowColumnToFloat64(arrow.getChild('timestamp')!, true)]).toEqual(STAMPS_US);
      const s = await openBars(file);
      const got: number[][] = [];
      for await (const b of s.batches) for (let i = 0; i < b.length; i++) got.push([b.ts[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]]);
      expect(got).toEqual(STAMPS_US.map((t, i) => [t, BARS.open[i], BARS.high[i], BARS.low[i], BARS.close[i], BARS.volume[i]]));
    });
  }

  it('nanoseconds below the µs round to the nearest µs, as an INT64 nanosecond timestamp is read', async () => {
    const file = int96BarFile('bars-int96-ns.parquet', [int96(T0, 400), int96(T0 + 60_000_000, 600), int96(T0 + 120_000_000, 999)], BARS, false);
    const fast = FastParquet.open(readFileSync(file), file)!;
    expect([...fast.readColumn(0, 'timestamp', true)]).toEqual([T0, T0 + 60_000_001, T0 + 120_000_001]);
    // The general reader (parquet-wasm: INT96 as Arrow nanoseconds) reads the same µs.
    const arrow = await readParquetTable(file);
    expect([...arrowColumnToFloat64(arrow.getChild('timestamp')!, true)]).toEqual([T0, T0 + 60_000_001, T0 + 120_000_001]);
  });
});

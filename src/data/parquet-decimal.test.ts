import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Decimal, makeData, makeVector, Table, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PhysicalType, writeParquetByHand } from '../../test/parquet-by-hand.ts';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { FastParquet } from './parquet-fast.ts';
import { readParquetColumns } from './parquet-read.ts';
import { loadParquetWasm } from './parquet-wasm.ts';

const tmp = tempDir();

/** Writes `select` to a Parquet file with DuckDB (the writer users' catalogs and exports come from). */
async function duck(file: string, select: string): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (${select}) TO '${file}' (FORMAT PARQUET)`);
  c.closeSync();
  return file;
}

describe('DECIMAL columns (DuckDB\'s and Spark\'s prices)', () => {
  it('stored as int64 or int32 read as their values (the integer over 10^scale), nulls as NaN', async () => {
    const file = await duck(tmp.file('dec.parquet'), `SELECT
      (100 + i * 0.25)::DECIMAL(18,2) AS p18, (i * 0.0001 - 0.5)::DECIMAL(9,4) AS p9,
      CASE WHEN i % 3 = 1 THEN NULL ELSE (i * 1.5)::DECIMAL(10,1) END AS maybe FROM range(5) t(i)`);
    const fast = FastParquet.openFile(file, { text: true });
    expect(fast?.columns.map((c) => [c.physical, c.scale])).toEqual([['int64', 2], ['int32', 4], ['int64', 1]]);
    fast!.close();
    const { columns } = await readParquetColumns(file);
    expect(Array.from(columns.p18 as Float64Array)).toEqual([100, 100.25, 100.5, 100.75, 101]);
    expect(Array.from(columns.p9 as Float64Array)).toEqual([-0.5, -0.4999, -0.4998, -0.4997, -0.4996]);
    expect(Array.from(columns.maybe as Float64Array)).toEqual([0, Number.NaN, 3, 4.5, Number.NaN]);
  });

  it('wider than 18 digits (DuckDB\'s 16-byte FIXED_LEN_BYTE_ARRAY) read as their values, as DuckDB reads them as doubles', async () => {
    // Values with up to 15 significant digits (exact integers below 2^53 over 10^scale: one correctly
    // rounded division), negatives across the two's complement bytes, nulls; then wider ones.
    const file = await duck(tmp.file('dec-wide.parquet'), `SELECT (CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 1234567.891 - 40000000)::DECIMAL(30,3) END) AS p30,
      ((i % 5) * 0.25 - 0.5)::DECIMAL(38,10) AS p38, (i::HUGEINT * 98765432109876543210 - 12345678901234567890123)::DECIMAL(38,0) AS big
      FROM range(300) t(i)`);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const ref = (await c.runAndReadAll(`SELECT p30::DOUBLE AS p30, p38::DOUBLE AS p38, big::DOUBLE AS big FROM read_parquet('${file}')`)).getRowObjects();
    c.closeSync();
    const fast = FastParquet.openFile(file, { text: true });
    expect(fast?.columns.map((x) => [x.physical, x.scale, x.width])).toEqual([['fixed', 3, 16], ['fixed', 10, 16], ['fixed', 0, 16]]);
    fast!.close();
    const { columns } = await readParquetColumns(file);
    expect(Array.from(columns.p30 as Float64Array)).toEqual(ref.map((r) => (r.p30 === null ? Number.NaN : Number(r.p30))));
    expect(Array.from(columns.p38 as Float64Array)).toEqual(ref.map((r) => Number(r.p38)));
    // Beyond 2^53 the unscaled integer is rounded byte by byte: within 4 ulps of DuckDB's double.
    const big = columns.big as Float64Array;
    ref.forEach((r, k) => expect(Math.abs(big[k] - Number(r.big)), `big row ${k}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(Number(r.big))));
  });

  // Unscaled integers of a DECIMAL(30,4) chosen here; expected: each over 10^4, one correctly rounded division.
  const UNSCALED = [0n, 1n, -1n, 1_234_567_890_123n, -987_654_321_000n, 255n, -256n, 2n ** 52n, -(2n ** 52n)];
  const expected = (rows: readonly bigint[]) => rows.map((v) => Number(v) / 1e4);

  it('Arrow decimal128 as arrow-rs writes it: the fewest bytes for the precision (13 for 30 digits)', async () => {
    const rows = Array.from({ length: 200 }, (_, k) => UNSCALED[k % UNSCALED.length]);
    const words = new Uint32Array(rows.length * 4); // little-endian 32-bit words, as Arrow holds a decimal128
    rows.forEach((v, k) => { for (let w = 0; w < 4; w++) words[4 * k + w] = Number(BigInt.asUintN(32, v >> BigInt(32 * w))); });
    const table = new Table({ price: makeVector(makeData({ type: new Decimal(4, 30, 128), length: rows.length, nullCount: 0, data: words })) });
    const pw = await loadParquetWasm();
    const file = tmp.file('dec128.parquet');
    writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), new pw.WriterPropertiesBuilder().build()));
    const fast = FastParquet.openFile(file, { text: true });
    expect(fast?.columns.map((x) => [x.physical, x.scale, x.width])).toEqual([['fixed', 4, 13]]);
    fast!.close();
    expect(Array.from((await readParquetColumns(file)).columns.price as Float64Array)).toEqual(expected(rows));
  });

  it('dictionary-encoded fixed-length decimals (a file made by hand; DuckDB reads the same values)', async () => {
    const bytes = (v: bigint) => Uint8Array.from({ length: 13 }, (_, j) => Number(BigInt.asUintN(8, v >> BigInt(8 * (12 - j))))); // big-endian two's complement
    const file = writeParquetByHand(tmp.file('dec-dict.parquet'), [
      { name: 'price', type: PhysicalType.FIXED_LEN_BYTE_ARRAY, typeLength: 13, decimal: { precision: 30, scale: 4 }, values: UNSCALED.map(bytes), dictionary: true },
    ]);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const duck = (await c.runAndReadAll(`SELECT price::DOUBLE AS p FROM read_parquet('${file}')`)).getRowObjects().map((r) => Number(r.p));
    c.closeSync();
    expect(duck).toEqual(expected(UNSCALED));
    expect(Array.from((await readParquetColumns(file)).columns.price as Float64Array)).toEqual(expected(UNSCALED));
  });

  it('wider than 22 decimal places stays with the general reader, which names the column', async () => {
    const file = await duck(tmp.file('dec-scale.parquet'), 'SELECT 1.25::DECIMAL(38,30) AS price');
    expect(FastParquet.openFile(file, { text: true })).toBeNull();
    await expect(readParquetColumns(file)).rejects.toThrow(/price|Decimal/);
  });

  it('a backtest from bars with DECIMAL(18,2) prices equals the one from the same bars as doubles', async () => {
    const bars = (cast: string) => `SELECT TIMESTAMP '2021-01-08 00:00:00' + INTERVAL (i) MINUTE AS timestamp,
      (100 + (i * 37 % 97) * 0.25)::${cast} AS open, (101 + (i * 37 % 97) * 0.25)::${cast} AS high,
      (99 + (i * 37 % 97) * 0.25)::${cast} AS low, (100.5 + (i * 37 % 97) * 0.25)::${cast} AS close, 10.0::DOUBLE AS volume FROM range(3000) t(i)`;
    const decimal = await duck(tmp.file('bars-dec.parquet'), bars('DECIMAL(18,2)'));
    const double = await duck(tmp.file('bars-double.parquet'), bars('DOUBLE'));
    const run = (file: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 5, slow: 20 }, data: [{ file, instrument: { symbol: 'X' } }] });
    const [a, b] = [await run(decimal), await run(double)];
    expect(a.trades.length).toBeGreaterThan(10);
    expect(a.fillsDigest).toBe(b.fillsDigest);
    expect(a.finalValue).toBe(b.finalValue);
  });
});

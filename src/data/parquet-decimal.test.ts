import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { FastParquet } from './parquet-fast.ts';
import { readParquetColumns } from './parquet-read.ts';

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

  it('wider than 18 digits (a fixed-length byte array) stays with the general reader, which names the column', async () => {
    const file = await duck(tmp.file('dec-wide.parquet'), 'SELECT 1.25::DECIMAL(30,2) AS price');
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

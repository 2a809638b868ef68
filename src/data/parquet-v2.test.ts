import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { FastParquet } from './parquet-fast.ts';
import { readParquetColumns } from './parquet-read.ts';
import { loadParquetWasm } from './parquet-wasm.ts';

const tmp = tempDir('lockstep-parquet-v2-');

/** Runs `sql` in a fresh DuckDB and returns its rows. */
async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = (await c.runAndReadAll(sql)).getRowObjects();
  c.closeSync();
  return rows;
}

/** The encodings DuckDB reports for each column of `file`. */
async function encodings(file: string): Promise<Record<string, string>> {
  const rows = await duck(`SELECT path_in_schema AS c, encodings AS e FROM parquet_metadata('${file}')`);
  return Object.fromEntries(rows.map((r) => [String(r.c), String(r.e)]));
}

const BARS = (version: string, file: string) => `COPY (SELECT TIMESTAMP '2021-01-08 00:00:00' + INTERVAL (i) MINUTE AS timestamp,
  (100 + (i * 37 % 97) * 0.25 + i * 1e-3)::DOUBLE AS open, (101 + (i * 37 % 97) * 0.25 + i * 1e-3)::DOUBLE AS high,
  (99 + (i * 37 % 97) * 0.25 + i * 1e-3)::DOUBLE AS low, (100.5 + (i * 37 % 97) * 0.25 + i * 1e-3)::DOUBLE AS close,
  (10 + i % 7)::DOUBLE AS volume FROM range(3000) t(i)) TO '${file}' (FORMAT PARQUET, PARQUET_VERSION ${version})`;

describe("DuckDB's Parquet v2 encodings in the JavaScript decoder", () => {
  it('BYTE_STREAM_SPLIT doubles and floats, DELTA_LENGTH_BYTE_ARRAY strings, nulls among them: the values DuckDB reads', async () => {
    const file = tmp.file('v2.parquet');
    await duck(`COPY (SELECT i::BIGINT AS n, CASE WHEN i % 11 = 4 THEN NULL ELSE (i * 0.1 - 37.25)::DOUBLE END AS d,
      (i * 0.5 - 3)::FLOAT AS f, CASE WHEN i % 13 = 5 THEN NULL ELSE 'id-' || i::VARCHAR || CASE WHEN i % 5 = 0 THEN '-é€' ELSE '' END END AS s
      FROM range(2500) t(i)) TO '${file}' (FORMAT PARQUET, PARQUET_VERSION V2)`);
    // The file holds the encodings under test (else this test would test nothing new).
    const enc = await encodings(file);
    expect(enc.d).toMatch(/BYTE_STREAM_SPLIT/);
    expect(enc.f).toMatch(/BYTE_STREAM_SPLIT/);
    expect(enc.s).toMatch(/DELTA_LENGTH_BYTE_ARRAY/);
    const fast = FastParquet.openFile(file, { text: true });
    expect(fast, 'a v2 file is in the decoder\'s subset').not.toBeNull();
    fast!.close();
    const ref = await duck(`SELECT d, f::DOUBLE AS f, s FROM read_parquet('${file}') ORDER BY n`);
    const { columns } = await readParquetColumns(file);
    expect(Array.from(columns.d as Float64Array)).toEqual(ref.map((r) => (r.d === null ? Number.NaN : Number(r.d))));
    expect(Array.from(columns.f as Float64Array)).toEqual(ref.map((r) => Number(r.f)));
    expect(columns.s).toEqual(ref.map((r) => (r.s === null ? '' : String(r.s))));
  });

  it('a backtest from v2 bars equals the one from the same bars written as v1', async () => {
    const v1 = tmp.file('bars-v1.parquet');
    const v2 = tmp.file('bars-v2.parquet');
    await duck(BARS('V1', v1));
    await duck(BARS('V2', v2));
    expect((await encodings(v2)).close).toMatch(/BYTE_STREAM_SPLIT/);
    expect((await encodings(v1)).close).not.toMatch(/BYTE_STREAM_SPLIT/);
    const fast = FastParquet.openFile(v2);
    expect(fast, 'read by the JavaScript decoder, not parquet-wasm').not.toBeNull();
    fast!.close();
    const run = (file: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 5, slow: 20 }, data: [{ file, instrument: { symbol: 'X' } }] });
    const [a, b] = [await run(v2), await run(v1)];
    expect(a.trades.length).toBeGreaterThan(10);
    expect(a.fillsDigest).toBe(b.fillsDigest);
    expect(a.finalValue).toBe(b.finalValue);
  });

  it('DELTA_BYTE_ARRAY strings (as Spark writes v2 text): prefixes shared in bytes, one ending inside a character', async () => {
    // 'café' and 'cafè' share 0xC3, the first byte of é and of è: the second value's prefix ends inside a character.
    const strings = ['café-1', 'cafè-2', 'cafè-2b', null, 'z', '', 'zz€', 'zz€€', 'BTCUSDT', 'BTCUSDC', 'ETHUSDT'];
    const pw = await loadParquetWasm();
    const file = tmp.file('delta-strings.parquet');
    const table = new Table({ s: vectorFromArray(strings, new Utf8()) });
    const props = new pw.WriterPropertiesBuilder().setDictionaryEnabled(false).setColumnEncoding('s', pw.Encoding.DELTA_BYTE_ARRAY).build();
    writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
    expect((await encodings(file)).s).toMatch(/DELTA_BYTE_ARRAY/);
    const fast = FastParquet.openFile(file, { text: true });
    expect(fast).not.toBeNull();
    fast!.close();
    expect((await readParquetColumns(file)).columns.s).toEqual(strings.map((x) => x ?? ''));
  });
});

import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { PhysicalType, writeParquetByHand } from '../../test/parquet-by-hand.ts';
import { tempDir } from '../../test/tmp.ts';
import { arrowColumnToFloat64 } from './arrow-columns.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet } from './parquet-fast.ts';
import { openBars } from './read-bars.ts';

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

/**
 * A one-row-group Parquet file made by hand: an INT96 `timestamp` — PLAIN, or dictionary-encoded
 * as Spark writes it — and DOUBLE bar columns.
 */
function int96BarFile(name: string, stamps: Uint8Array[], bars: Record<string, number[]>, dictionary: boolean): string {
  const doubles = Object.entries(bars).map(([col, values]) => ({ name: col, type: PhysicalType.DOUBLE, values: values.map((v) => new Uint8Array(Float64Array.of(v).buffer)) }));
  return writeParquetByHand(tmp.file(name), [{ name: 'timestamp', type: PhysicalType.INT96, values: stamps, dictionary }, ...doubles]);
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

import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { epochHalvesToMicros } from '../core/time.ts';
import { readParquetBars } from './arrow-bars.ts';
import { readCsvBars } from './csv-bars.ts';
import { parseTimestamp } from './text-parse.ts';
import { readTickCsv } from './tick-csv.ts';
import type { TradeBatch } from './tick-batch.ts';

/**
 * Nanosecond epochs written as integers (Databento's and NautilusTrader's CSV exports, a plain
 * int64 column) are above 2^53 at today's dates, where doubles are 256 ns apart: formed as a
 * double first, 2024-03-04 09:30 + 400 ns reads as 1 µs. Each is read as its µs rounded half up,
 * exactly. Expected values: round(ns / 1000) in BigInt arithmetic.
 */
const tmp = tempDir('lockstep-epoch-nanos-');
const BASE = 1_709_544_600_000_000_000n; // 2024-03-04 09:30:00 UTC
const OFFSETS = [0n, 400n, 499n, 500n, 501n, 999n, 60_000_000_400n, 120_000_000_600n];
const NANOS = OFFSETS.map((d) => BASE + d);
const micros = (ns: bigint): number => Number((ns + 500n) / 1000n);

describe('nanosecond epochs read exactly', () => {
  it('as two int64 halves (a Parquet or Arrow int64 column read as time)', () => {
    const halves = new Int32Array(BigInt64Array.from(NANOS).buffer);
    expect(NANOS.map((_, k) => epochHalvesToMicros(halves[2 * k + 1], halves[2 * k] >>> 0))).toEqual(NANOS.map(micros));
    // Below 1e17 the unit is s, ms or µs by magnitude, as before.
    const small = new Int32Array(BigInt64Array.from([1_709_544_600n, 1_709_544_600_123n, 1_709_544_600_123_456n]).buffer);
    expect([0, 1, 2].map((k) => epochHalvesToMicros(small[2 * k + 1], small[2 * k] >>> 0))).toEqual([1_709_544_600_000_000, 1_709_544_600_123_000, 1_709_544_600_123_456]);
  });

  it('as a CSV field: digits, quoted, signed; an exponent form keeps its double', () => {
    const ts = (s: string) => { const b = new TextEncoder().encode(s); return parseTimestamp(b, 0, b.length); };
    for (const ns of NANOS) {
      expect(ts(String(ns)), String(ns)).toBe(micros(ns));
      expect(ts(`"${ns}"`)).toBe(micros(ns));
      expect(ts(` +${ns} `)).toBe(micros(ns));
    }
    // Half up below zero too: −1e17 − 500 ns is −1e14 µs, −1e17 − 501 ns rounds to −1e14 − 1.
    expect(ts('-100000000000000500')).toBe(-1e14);
    expect(ts('-100000000000000501')).toBe(-1e14 - 1);
    expect(ts('1.7095446e18')).toBe(1.7095446e15);
  });

  it('in a bar CSV, end to end', async () => {
    const file = tmp.file('bars-ns.csv');
    writeFileSync(file, `timestamp,open,high,low,close,volume\n${NANOS.map((ns, k) => `${ns},${100 + k},${101 + k},${99 + k},${100.5 + k},10`).join('\n')}\n`);
    const ts: number[] = [];
    for await (const b of readCsvBars(file)) ts.push(...b.ts.subarray(0, b.length));
    expect(ts).toEqual(NANOS.map(micros));
  });

  it('in a tick CSV, both stamps', async () => {
    const file = tmp.file('trades-ns.csv');
    writeFileSync(file, `ts_event,ts_local,price,size,aggressor\n${NANOS.map((ns) => `${ns},${ns + 250n},100,1,1`).join('\n')}\n`);
    const ts: number[] = [];
    const local: number[] = [];
    for await (const tb of readTickCsv(file)) {
      const b = tb.batch as TradeBatch;
      ts.push(...b.ts.subarray(0, b.length));
      local.push(...b.tsLocal.subarray(0, b.length));
    }
    expect(ts).toEqual(NANOS.map(micros));
    expect(local).toEqual(NANOS.map((ns) => micros(ns + 250n)));
  });

  it('in a Parquet bar file DuckDB writes with UBIGINT and BIGINT nanosecond stamps (as NautilusTrader writes ts_event), end to end', async () => {
    for (const type of ['UBIGINT', 'BIGINT']) {
      const file = tmp.file(`bars-ns-${type}.parquet`);
      const rows = NANOS.map((ns, k) => `(${ns}::${type}, ${100 + k}, ${101 + k}, ${99 + k}, ${100.5 + k}, 10)`).join(', ');
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run(`COPY (SELECT * FROM (VALUES ${rows}) t(timestamp, open, high, low, close, volume)) TO '${file}' (FORMAT PARQUET)`);
      // DuckDB's own reading of the stamps, in µs rounded half up, as a second check of the expected values.
      const r = await c.runAndReadAll(`SELECT ((timestamp::HUGEINT + 500) // 1000)::BIGINT AS us FROM read_parquet('${file}')`);
      c.closeSync();
      expect(r.getRowObjects().map((row) => Number(row.us))).toEqual(NANOS.map(micros));
      const ts: number[] = [];
      for await (const b of readParquetBars(file)) ts.push(...b.ts.subarray(0, b.length));
      expect(ts, type).toEqual(NANOS.map(micros));
    }
  });
});

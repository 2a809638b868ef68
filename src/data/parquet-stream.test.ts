import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogSql } from './catalog-sql.ts';
import { deltaBinaryPacked, ParquetStreamWriter } from './parquet-stream.ts';
import { readParquetColumns } from './parquet-read.ts';
import { deltaBinaryPacked as decodeDelta } from './parquet-encodings.ts';

const dir = mkdtempSync(join(tmpdir(), 'pq-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic table: irregular µs times (negative and huge deltas too), doubles, low- and high-cardinality text. */
function table(n: number) {
  const ts = new Float64Array(n);
  const x = new Float64Array(n);
  const px = new Float64Array(n); // few distinct values: long runs and short stretches (dictionary, both run kinds)
  const side: string[] = [];
  const id: string[] = [];
  let t = 1_600_000_000_000_000;
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    t += i % 97 === 0 ? 3_000_000_000_000 : (s % 5000) - 1000; // jumps of ~35 days, steps back and forth
    ts[i] = t;
    x[i] = (s / 2147483647 - 0.5) * 1e6;
    px[i] = i % 1000 < 300 ? 100.25 : i % 1000 < 317 ? -0.5 : 100 + (s % 37) * 0.01;
    side.push(s % 3 === 0 ? 'buy' : 'sell');
    id.push(`o-${i}-é`);
  }
  return { ts, x, px, side, id };
}

describe('ParquetStreamWriter', () => {
  it('DELTA_BINARY_PACKED round-trips through the reader decoder (widths 0 to 53 bits)', () => {
    const cases = [
      Float64Array.from({ length: 1000 }, (_, i) => 1e15 + i * 60e6), // constant delta: width 0
      Float64Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 0 : 2 ** 52 - 1)), // 53-bit swings
      Float64Array.of(5),
      Float64Array.from({ length: 129 }, (_, i) => 7 - i * i),
      // µs times with a stray −7: 51-bit offsets with odd low bits (the reader rounded these before it read wide values in 24-bit steps)
      Float64Array.from({ length: 200 }, (_, i) => (i % 9 === 4 ? -7 : 1_700_000_000_000_001 + 577 * i)),
    ];
    for (const v of cases) {
      const bytes = deltaBinaryPacked(v, v.length);
      const back = new Float64Array(v.length);
      decodeDelta(bytes, 0, bytes.length, v.length, back, 0);
      expect(Array.from(back)).toEqual(Array.from(v));
    }
  });

  it('row groups written one at a time read back equal with arrow-rs and with DuckDB', async () => {
    const file = join(dir, 't.parquet');
    const w = new ParquetStreamWriter(file, { ts: 'timestamp', x: 'double', px: 'double', side: 'string', id: 'string' });
    const all = table(10_000);
    for (let at = 0; at < 10_000; at += 3_000) {
      const to = Math.min(10_000, at + 3_000);
      // `id` has more distinct values than a dictionary takes from 5,000 rows on: PLAIN there.
      w.writeRowGroup({ ts: all.ts.subarray(at, to), x: all.x.subarray(at, to), px: all.px.subarray(at, to), side: all.side.slice(at, to), id: all.id.slice(at, to) }, to - at);
    }
    w.close();
    expect(readFileSync(file).subarray(-4).toString()).toBe('PAR1');
    const back = await readParquetColumns(file);
    expect(back.rows).toBe(10_000);
    expect(Array.from(back.columns.ts as Float64Array)).toEqual(Array.from(all.ts));
    expect(Array.from(back.columns.x as Float64Array)).toEqual(Array.from(all.x));
    expect(Array.from(back.columns.px as Float64Array)).toEqual(Array.from(all.px));
    expect(back.columns.side).toEqual(all.side);
    expect(back.columns.id).toEqual(all.id);
    const sql = await CatalogSql.open(join(dir, 'no-catalog'));
    try {
      const r = await sql.rows(`SELECT count(*) AS n, sum(x) AS sx, count(*) FILTER (WHERE side = 'buy') AS buys,
        typeof(any_value(ts)) AS tst, max(id) AS maxid FROM read_parquet('${file}')`);
      let sx = 0;
      for (let i = 0; i < 10_000; i++) sx += all.x[i];
      expect(r[0].n).toBe(10_000);
      expect(r[0].sx as number).toBeCloseTo(sx, 3);
      const times = await sql.query(`SELECT epoch_us(ts) AS t FROM read_parquet('${file}')`);
      expect(times.columns[0].map(Number)).toEqual(Array.from(all.ts));
      expect(r[0].buys).toBe(all.side.filter((s) => s === 'buy').length);
      expect(r[0].tst).toBe('TIMESTAMP WITH TIME ZONE');
      expect(r[0].maxid).toBe([...all.id].sort().at(-1));
    } finally {
      sql.close();
    }
  });

  it('a column that overflowed the dictionary in a group is PLAIN in the later ones; the others keep theirs (read by DuckDB)', async () => {
    const file = join(dir, 'overflow.parquet');
    const w = new ParquetStreamWriter(file, { id: 'string', side: 'string', px: 'double' });
    const ids = Array.from({ length: 5_000 }, (_, i) => `o-${i}`); // 5,000 distinct: more than a dictionary takes
    const sides = ids.map((_, i) => (i % 2 === 0 ? 'buy' : 'sell'));
    const px = Float64Array.from(ids, (_, i) => 100 + (i % 3));
    w.writeRowGroup({ id: ids, side: sides, px }, 5_000);
    w.writeRowGroup({ id: ids.map((_, i) => `o-${i % 3}`), side: sides, px }, 5_000); // 3 distinct ids now
    w.close();
    const sql = await CatalogSql.open(join(dir, 'no-catalog-2'));
    try {
      const meta = await sql.rows(`SELECT row_group_id AS g, path_in_schema AS col, encodings AS enc FROM parquet_metadata('${file}') ORDER BY g, col`);
      const dictionary = Object.fromEntries(meta.map((m) => [`${m.g}:${m.col}`, String(m.enc).includes('RLE_DICTIONARY')]));
      expect(dictionary).toEqual({ '0:id': false, '0:px': true, '0:side': true, '1:id': false, '1:px': true, '1:side': true });
    } finally {
      sql.close();
    }
    const back = await readParquetColumns(file);
    expect(back.columns.id).toEqual([...ids, ...ids.map((_, i) => `o-${i % 3}`)]);
  });

  it('a group with −0 among few values is written PLAIN, keeping the sign', async () => {
    const file = join(dir, 'negzero.parquet');
    const w = new ParquetStreamWriter(file, { a: 'double' });
    w.writeRowGroup({ a: Float64Array.of(0, -0, 0, 1) }, 4);
    w.close();
    const a = (await readParquetColumns(file)).columns.a as Float64Array;
    expect([...a].map((x) => Object.is(x, -0))).toEqual([false, true, false, false]);
  });

  it('a file closed with no rows is a valid empty table; a column shorter than the group is refused', async () => {
    const file = join(dir, 'empty.parquet');
    const w = new ParquetStreamWriter(file, { a: 'double', s: 'string' });
    expect(() => w.writeRowGroup({ a: new Float64Array(2), s: ['x'] }, 2)).toThrow(/column "s" has 1 values/);
    w.close();
    const back = await readParquetColumns(file);
    expect(back.rows).toBe(0);
  });

  it('a file it cannot create is an error naming the path', () => {
    expect(() => new ParquetStreamWriter(join(dir, 'missing', 'x.parquet'), { a: 'double' })).toThrow(/missing\/x\.parquet/);
  });
});

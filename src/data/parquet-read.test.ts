import { readFileSync, writeFileSync } from 'node:fs';
import { DateDay, Int64, makeData, makeVector, Null, Table, tableToIPC, TimestampMillisecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { DataError } from '../core/errors.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet } from './parquet-fast.ts';
import { readParquetColumns } from './parquet-read.ts';
import { ParquetStreamWriter } from './parquet-stream.ts';
import { loadParquetWasm } from './parquet-wasm.ts';
import { writeParquetFile } from './parquet-write.ts';

const tmp = tempDir();

/** The same file's columns through parquet-wasm and Arrow, the general reader: the oracle for the fast path. */
async function viaArrow(file: string): Promise<Record<string, unknown[]>> {
  const t = await readParquetTable(file);
  return Object.fromEntries(t.schema.fields.map((f) => {
    const v = t.getChild(f.name)!;
    return [f.name, Array.from({ length: v.length }, (_, i) => { const x = v.get(i); return typeof x === 'bigint' ? Number(x) : x ?? null; })];
  }));
}

/** Strings as a run's series hold them: few distinct (dictionary), all distinct (PLAIN once a group has > 4,096), non-ASCII, empty. */
function texts(n: number): { side: string[]; id: string[]; tag: string[] } {
  const tags = ['', 'entry', 'stop-loss', 'prise de bénéfice', '止损', 'long tag '.repeat(6), '🚀'];
  return {
    side: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'sell' : 'buy')),
    id: Array.from({ length: n }, (_, i) => `O-${i + 1}`),
    tag: Array.from({ length: n }, (_, i) => tags[(i * 7) % tags.length]),
  };
}

describe('readParquetColumns', () => {
  it('reads numeric and string columns', async () => {
    const f = tmp.file('x.parquet');
    await writeParquetFile(f, { n: new Float64Array([1.5, 2]), s: ['a', 'b'] });
    const r = await readParquetColumns(f);
    expect(r.rows).toBe(2);
    expect(Array.from(r.columns.n as Float64Array)).toEqual([1.5, 2]);
    expect(r.columns.s).toEqual(['a', 'b']);
  });

  it('reads a file with no rows, whose empty string columns are stored with the Null type (a session without fills)', async () => {
    const f = tmp.file('empty.parquet');
    await writeParquetFile(f, { orderId: [], price: new Float64Array(0) });
    const r = await readParquetColumns(f);
    expect(r.rows).toBe(0);
    expect(r.columns.orderId).toEqual([]);
    expect((r.columns.price as Float64Array).length).toBe(0);
  });

  it("decodes a run series' text (PLAIN and dictionary pages, several row groups) itself, equal to the source and to the Arrow reader", async () => {
    const f = tmp.file('series.parquet');
    const n = 12_000;
    const t = texts(n);
    const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000_000 + i * 60_000_000);
    const price = Float64Array.from({ length: n }, (_, i) => 100 + (i % 50) * 0.25);
    const w = new ParquetStreamWriter(f, { ts: 'timestamp', side: 'string', id: 'string', tag: 'string', price: 'double' });
    for (let at = 0; at < n; at += 5000) {
      const to = Math.min(n, at + 5000);
      w.writeRowGroup({ ts: ts.subarray(at, to), side: t.side.slice(at, to), id: t.id.slice(at, to), tag: t.tag.slice(at, to), price: price.subarray(at, to) }, to - at);
    }
    w.close();
    const fast = FastParquet.open(readFileSync(f), f, { text: true });
    expect(fast?.columns.map((c) => c.physical)).toEqual(['int64', 'text', 'text', 'text', 'double']);
    const r = await readParquetColumns(f);
    expect(r.rows).toBe(n);
    expect(r.columns.side).toEqual(t.side);
    expect(r.columns.id).toEqual(t.id);
    expect(r.columns.tag).toEqual(t.tag);
    expect(Array.from(r.columns.ts as Float64Array)).toEqual(Array.from(ts));
    expect(Array.from(r.columns.price as Float64Array)).toEqual(Array.from(price));
    const arrow = await viaArrow(f);
    for (const k of ['side', 'id', 'tag']) expect(r.columns[k], k).toEqual(arrow[k]);
    expect(Array.from(r.columns.price as Float64Array)).toEqual(arrow.price);
  });

  it("decodes parquet-wasm's optional, Snappy, dictionary-encoded strings itself, a null as '' (as the Arrow path gives it)", async () => {
    const f = tmp.file('wasm-strings.parquet');
    const t = texts(3000);
    await writeParquetFile(f, { side: t.side, tag: t.tag, qty: Float64Array.from(t.side, (_, i) => i / 4) }, 1000);
    expect(FastParquet.open(readFileSync(f), f, { text: true })).not.toBeNull();
    const r = await readParquetColumns(f);
    expect(r.columns.side).toEqual(t.side);
    expect(r.columns.tag).toEqual(t.tag);
    const arrow = await viaArrow(f);
    expect(r.columns.tag).toEqual(arrow.tag);
    expect(Array.from(r.columns.qty as Float64Array)).toEqual(arrow.qty);
  });

  it('reads dates and timestamps as µs, as the Arrow path does', async () => {
    const f = tmp.file('dates.parquet');
    const pw = await loadParquetWasm();
    const days = Int32Array.of(0, 19_000, 19_723);
    const table = new Table({
      day: makeVector(makeData({ type: new DateDay(), length: 3, nullCount: 0, data: days })),
      ms: makeVector(makeData({ type: new TimestampMillisecond(), length: 3, nullCount: 0, data: BigInt64Array.of(1n, 1_700_000_000_123n, -5n) })),
    });
    writeFileSync(f, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream'))));
    expect(FastParquet.open(readFileSync(f), f, { text: true })).not.toBeNull();
    const r = await readParquetColumns(f);
    expect(Array.from(r.columns.day as Float64Array)).toEqual(Array.from(days, (d) => d * 86_400_000_000));
    expect(Array.from(r.columns.ms as Float64Array)).toEqual([1_000, 1_700_000_000_123_000, -5_000]);
  });

  it('reads the columns named as times as µs: plain numbers by their magnitude, typed timestamps by their unit only (either reader)', async () => {
    const pw = await loadParquetWasm();
    const table = new Table({
      plain: makeVector(makeData({ type: new Int64(), length: 2, nullCount: 0, data: BigInt64Array.of(1_610_064_000_000n, 1_610_064_000_500n) })), // ms
      typed: makeVector(makeData({ type: new TimestampMillisecond(), length: 2, nullCount: 0, data: BigInt64Array.of(86_400_000n, 5n) })), // 1970: small µs values
    });
    const fast = tmp.file('times.parquet');
    writeFileSync(fast, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream'))));
    const general = tmp.file('times-null.parquet'); // a Null column keeps it on the general reader
    const withNull = new Table({ plain: table.getChild('plain')!, typed: table.getChild('typed')!, none: makeVector(makeData({ type: new Null(), length: 2, nullCount: 2 })) });
    writeFileSync(general, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(withNull, 'stream'))));
    expect(FastParquet.open(readFileSync(general), general, { text: true })).toBeNull();
    for (const f of [fast, general]) {
      const r = await readParquetColumns(f, { time: ['plain', 'typed'] });
      expect(Array.from(r.columns.plain as Float64Array), f).toEqual([1_610_064_000_000_000, 1_610_064_000_500_000]);
      expect(Array.from(r.columns.typed as Float64Array), f).toEqual([86_400_000_000, 5_000]);
      expect(Array.from((await readParquetColumns(f)).columns.plain as Float64Array), f).toEqual([1_610_064_000_000, 1_610_064_000_500]); // not named: as stored
    }
  });

  it('keeps files outside the subset on the general reader: a Null-typed column (older runs) reads as strings', async () => {
    const f = tmp.file('null-type.parquet');
    const pw = await loadParquetWasm();
    const table = new Table({ reason: makeVector(makeData({ type: new Null(), length: 2 })), price: makeVector(new Float64Array([1, 2])) });
    writeFileSync(f, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream'))));
    expect(FastParquet.open(readFileSync(f), f, { text: true })).toBeNull();
    const r = await readParquetColumns(f);
    expect(r.columns.reason).toEqual(['', '']);
    expect(Array.from(r.columns.price as Float64Array)).toEqual([1, 2]);
  });

  it('a corrupted text page ends in a DataError naming the file, never in wrong strings', async () => {
    const f = tmp.file('bad-utf8.parquet');
    const w = new ParquetStreamWriter(f, { s: 'string' });
    w.writeRowGroup({ s: Array.from({ length: 5000 }, (_, i) => `é-${i}`) }, 5000); // all distinct: PLAIN
    w.close();
    const bytes = readFileSync(f);
    const at = bytes.indexOf(Buffer.from('é-42'));
    bytes[at] = 0xff; // not UTF-8
    const bad = tmp.file('bad-utf8-2.parquet');
    writeFileSync(bad, bytes);
    const e = await readParquetColumns(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).location.file).toBe(bad);
  });
});

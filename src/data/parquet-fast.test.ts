import { readFileSync, writeFileSync } from 'node:fs';
import {
  Bool, Field, Float64, Int32, Int64, makeData, makeVector, Struct, Table, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond,
  Uint64, Utf8, vectorFromArray, tableFromArrays, tableToIPC,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.ts';
import { tempDir } from '../../test/tmp.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { arrowColumnToFloat64 } from './arrow-columns.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet } from './parquet-fast.ts';
import { ParquetStreamWriter } from './parquet-stream.ts';
import { loadParquetWasm } from './parquet-wasm.ts';
import { snappyDecompress, snappyLength } from './snappy.ts';

const tmp = tempDir('lockstep-parquet-fast-');
const pw = await loadParquetWasm();

type Props = (b: InstanceType<typeof pw.WriterPropertiesBuilder>) => InstanceType<typeof pw.WriterPropertiesBuilder>;

/** Writes an Arrow table with parquet-wasm (the reference writer) under the given properties. */
function write(name: string, table: Table, props: Props): string {
  const file = tmp.file(name);
  const built = props(new pw.WriterPropertiesBuilder().setMaxRowGroupSize(1000)).build();
  writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), built));
  return file;
}

/** Every column of a file through the fast decoder, converted as the tick reader does. */
function fastColumns(file: string, asTime: (name: string) => boolean): Map<string, number[]> {
  const fp = FastParquet.open(readFileSync(file), file);
  expect(fp, `${file} should be in the fast subset`).not.toBeNull();
  const out = new Map<string, number[]>(fp!.columns.map((c) => [c.name, []]));
  for (let g = 0; g < fp!.rowGroups.length; g++) {
    for (const c of fp!.columns) out.get(c.name)!.push(...fp!.readColumn(g, c.name, asTime(c.name)));
  }
  return out;
}

/** The same columns through parquet-wasm + Arrow (the general reader): the oracle. */
async function referenceColumns(file: string, asTime: (name: string) => boolean): Promise<Map<string, number[]>> {
  const t = await readParquetTable(file);
  return new Map(t.schema.fields.map((f) => [f.name, [...arrowColumnToFloat64(t.getChild(f.name)!, asTime(f.name))]]));
}

/** A table of n rows with the column kinds tick and bar files use, nulls included. */
function sampleTable(n: number, seed: number): Table {
  let s = seed;
  const rnd = () => { s = (s * 48271) % 2147483647; return s / 2147483647; };
  const ts = new BigInt64Array(n);
  const price = new Float64Array(n);
  const size = new Float64Array(n);
  const i32 = new Int32Array(n);
  const f32 = new Float32Array(n);
  let t = 1_700_000_000_000_000n;
  let p = 100;
  for (let i = 0; i < n; i++) {
    t += BigInt(Math.floor(rnd() * 5000)); // irregular gaps, some repeats
    ts[i] = t;
    p = Math.max(0.01, Math.round((p + (rnd() - 0.5) * 0.1) * 100) / 100);
    price[i] = p;
    size[i] = Math.floor(rnd() * 1e6) / 1e3;
    i32[i] = Math.floor((rnd() - 0.5) * 2e9);
    f32[i] = (rnd() - 0.5) * 1e5;
  }
  // A nullable column with every 7th value missing.
  const nullable = vectorFromArray(Array.from(price, (v, i) => (i % 7 === 3 ? null : v * 2)), new Float64());
  const flag = vectorFromArray(Array.from(price, (v, i) => i % 3 === 0 || v > 100), new Bool());
  const maybe = vectorFromArray(Array.from(price, (v, i) => (i % 5 === 1 ? null : v < 100)), new Bool());
  const base = tableFromArrays({ ts_local: ts, price, size, i32, f32 });
  return new Table({ ...Object.fromEntries(base.schema.fields.map((f) => [f.name, base.getChild(f.name as 'price')!])), nullable, flag, maybe });
}

const asTimeTs = (name: string) => name.startsWith('ts');

describe('FastParquet decodes what parquet-wasm decodes', () => {
  const table = sampleTable(4321, 11);
  const delta: Props = (b) => b.setColumnDictionaryEnabled('ts_local', false).setColumnEncoding('ts_local', pw.Encoding.DELTA_BINARY_PACKED);
  const cases: Array<[string, Props]> = [
    ['uncompressed, dictionary', (b) => b.setCompression(pw.Compression.UNCOMPRESSED)],
    ['uncompressed, plain', (b) => b.setCompression(pw.Compression.UNCOMPRESSED).setDictionaryEnabled(false)],
    ['snappy, dictionary', (b) => b.setCompression(pw.Compression.SNAPPY)],
    ['snappy, plain', (b) => b.setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false)],
    ['gzip, dictionary', (b) => b.setCompression(pw.Compression.GZIP)],
    ['brotli, dictionary', (b) => b.setCompression(pw.Compression.BROTLI)],
    ['brotli, plain, data page v2', (b) => b.setCompression(pw.Compression.BROTLI).setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2)],
    ['zstd, dictionary', (b) => b.setCompression(pw.Compression.ZSTD)],
    ['zstd, plain, data page v2', (b) => b.setCompression(pw.Compression.ZSTD).setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2)],
    ['zstd, delta timestamps', (b) => delta(b.setCompression(pw.Compression.ZSTD))],
    ['lz4_raw, dictionary', (b) => b.setCompression(pw.Compression.LZ4_RAW)],
    ['lz4_raw, plain, data page v2', (b) => b.setCompression(pw.Compression.LZ4_RAW).setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2)],
    ['lz4 (Hadoop framing), dictionary', (b) => b.setCompression(pw.Compression.LZ4)],
    ['snappy, delta timestamps (our writer)', (b) => delta(b.setCompression(pw.Compression.SNAPPY))],
    ['uncompressed, delta timestamps, data page v2', (b) => delta(b.setCompression(pw.Compression.UNCOMPRESSED).setWriterVersion(pw.WriterVersion.V2))],
    ['snappy, dictionary, data page v2', (b) => b.setCompression(pw.Compression.SNAPPY).setWriterVersion(pw.WriterVersion.V2)],
  ];
  for (const [name, props] of cases) {
    it(`${name}: every value equal (nulls as NaN, int64 time as µs)`, async () => {
      const file = write(`${name.replace(/\W+/g, '-')}.parquet`, table, props);
      const fast = fastColumns(file, asTimeTs);
      const ref = await referenceColumns(file, asTimeTs);
      expect([...fast.keys()]).toEqual([...ref.keys()]);
      for (const [col, values] of ref) expect(fast.get(col), col).toEqual(values);
      // And against the source itself, independent of either reader.
      expect(fast.get('price')!.slice(0, 5)).toEqual([...table.getChild('price')!.toArray().slice(0, 5)]);
      expect(Number.isNaN(fast.get('nullable')![3])).toBe(true);
      expect(fast.get('ts_local')![4320]).toBe(Number(table.getChild('ts_local')!.get(4320)));
      expect(fast.get('flag')!.slice(0, 6)).toEqual([...table.getChild('flag')!].slice(0, 6).map(Number));
      expect(fast.get('maybe')!.slice(0, 6)).toEqual([...table.getChild('maybe')!].slice(0, 6).map((b) => (b === null ? Number.NaN : Number(b))));
    });
  }

  it('timestamp logical types convert to µs like the Arrow path (ms, µs, ns)', async () => {
    const ms = [1_700_000_000_123, 1_700_000_000_456];
    const types = [[new TimestampMillisecond(), 1n], [new TimestampMicrosecond(), 1000n], [new TimestampNanosecond(), 1_000_000n]] as const;
    for (const [type, scale] of types) {
      const data = makeData({ type, length: 2, nullCount: 0, data: BigInt64Array.from(ms, (v) => BigInt(v) * scale) });
      const file = write(`ts-${type.unit}.parquet`, new Table({ t: makeVector(data) }), (b) => b.setCompression(pw.Compression.SNAPPY));
      const fast = fastColumns(file, () => false).get('t')!;
      expect(fast).toEqual(ms.map((v) => v * 1000));
      expect(fast).toEqual((await referenceColumns(file, () => false)).get('t'));
    }
  });

  it('nanosecond timestamps with sub-µs digits read as µs rounded half up, exactly (PLAIN, dictionary and delta), in both readers', async () => {
    // 2024-03-04 09:30 UTC in ns is above 2^53, where doubles are 256 ns apart: a count formed as a
    // double read +400 ns as 1 µs. Expected: round(ns / 1000) in BigInt arithmetic.
    const base = 1_709_544_600_000_000_000n;
    const ns = [0n, 400n, 499n, 500n, 501n, 600n, 999n, 1_000n, 123_456_789n, 86_399_999_999_499n, 86_399_999_999_500n];
    const expected = ns.map((d) => Number((base + d + 500n) / 1000n));
    const layouts: Record<string, Props> = {
      plain: (b) => b.setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false),
      dictionary: (b) => b.setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(true),
      // Summed from a first value beyond 2^53: refused as "beyond 2^53" before.
      delta: (b) => b.setCompression(pw.Compression.SNAPPY).setColumnDictionaryEnabled('t', false).setColumnEncoding('t', pw.Encoding.DELTA_BINARY_PACKED),
    };
    for (const [layout, props] of Object.entries(layouts)) {
      const data = makeData({ type: new TimestampNanosecond(), length: ns.length, nullCount: 0, data: BigInt64Array.from(ns, (d) => base + d) });
      const file = write(`ts-ns-${layout}.parquet`, new Table({ t: makeVector(data) }), props);
      expect(fastColumns(file, () => true).get('t')).toEqual(expected);
      expect((await referenceColumns(file, () => true)).get('t')).toEqual(expected);
    }
  });

  it('plain int64 and uint64 nanosecond epochs (NautilusTrader\'s ts_event) read as time are µs rounded half up, exactly, in both readers', async () => {
    // No timestamp annotation: the unit comes from the magnitude (≥ 1e17: ns). Formed as a double
    // first, 2024-03-04 09:30 + 400 ns would read as 1 µs. Expected: round(ns / 1000) in BigInt.
    const base = 1_709_544_600_000_000_000n;
    const ns = [0n, 400n, 499n, 500n, 501n, 999n, 123_456_789n, 86_399_999_999_500n];
    const expected = ns.map((d) => Number((base + d + 500n) / 1000n));
    const layouts: Record<string, Props> = {
      plain: (b) => b.setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false),
      dictionary: (b) => b.setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(true),
      delta: (b) => b.setCompression(pw.Compression.SNAPPY).setColumnDictionaryEnabled('t', false).setColumnEncoding('t', pw.Encoding.DELTA_BINARY_PACKED),
    };
    for (const [type, values] of [[new Int64(), BigInt64Array.from(ns, (d) => base + d)], [new Uint64(), BigUint64Array.from(ns, (d) => base + d)]] as const) {
      for (const [layout, props] of Object.entries(layouts)) {
        const data = makeData({ type, length: ns.length, nullCount: 0, data: values });
        const file = write(`epoch-ns-${String(type)}-${layout}.parquet`, new Table({ t: makeVector(data) }), props);
        expect(fastColumns(file, () => true).get('t'), `${String(type)} ${layout}`).toEqual(expected);
        expect((await referenceColumns(file, () => true)).get('t'), `${String(type)} ${layout}, general reader`).toEqual(expected);
        // Not read as time, the column is its numbers as doubles; summed deltas beyond 2^53 are refused rather than rounded.
        if (layout === 'delta') expect(() => fastColumns(file, () => false)).toThrow(/beyond 2\^53/);
        else expect(fastColumns(file, () => false).get('t')).toEqual(ns.map((d) => Number(base + d)));
      }
    }
    // Smaller epochs keep their units: s, ms and µs.
    const units = BigInt64Array.from([1_709_544_600n, 1_709_544_600_123n, 1_709_544_600_123_456n]);
    const mixed = write('epoch-units.parquet', new Table({ t: makeVector(makeData({ type: new Int64(), length: 3, nullCount: 0, data: units })) }), layouts.plain);
    expect(fastColumns(mixed, () => true).get('t')).toEqual([1_709_544_600_000_000, 1_709_544_600_123_000, 1_709_544_600_123_456]);
  });

  it('the shared NautilusTrader samples (brotli, dictionary strings, ms timestamps) decode as the reference reader does', async () => {
    for (const name of ['crypto/binance-btcusdt-trades.parquet', 'crypto/binance-btcusdt-quotes.parquet']) {
      const file = sharedFile(name);
      const fp = FastParquet.open(readFileSync(file), file, { text: true });
      expect(fp, name).not.toBeNull();
      const ref = await readParquetTable(file);
      expect(fp!.columns.map((c) => c.name)).toEqual(ref.schema.fields.map((f) => f.name));
      for (const c of fp!.columns) {
        const fast: Array<number | string> = [];
        for (let g = 0; g < fp!.rowGroups.length; g++) {
          if (c.physical === 'text') fast.push(...fp!.readRowGroupTexts(g).get(c.name)!);
          else fast.push(...fp!.readColumn(g, c.name, false));
        }
        const column = ref.getChild(c.name)!;
        const expected = c.physical === 'text' ? [...column].map((v) => String(v)) : [...arrowColumnToFloat64(column, false)];
        expect(fast, `${name} ${c.name}`).toEqual(expected);
      }
    }
    // Independently of either reader: the trades file's first row, as NautilusTrader's test data has it.
    const trades = FastParquet.open(readFileSync(sharedFile('crypto/binance-btcusdt-trades.parquet')), 'trades', { text: true })!;
    expect(trades.rowGroups.reduce((n, g) => n + g.numRows, 0)).toBe(2001);
    expect(trades.columns.find((c) => c.name === 'timestamp')!.time).toEqual({ unit: 'ms' });
    expect(new Set(trades.readRowGroupTexts(0).get('buyer_maker'))).toEqual(new Set(['True', 'False'])); // pandas' str() of Python booleans
  });

  it('leaves files outside its subset to the general reader (null), and reads unsigned integers as unsigned', async () => {
    const t = tableFromArrays({ x: new Float64Array([1, 2, 3]) });
    const bools = write('bool.parquet', new Table({ b: vectorFromArray([true, false, null, true], new Bool()) }), (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(fastColumns(bools, () => false).get('b')).toEqual([1, 0, Number.NaN, 1]);
    const strings = new Table({ s: vectorFromArray(['a', 'b'], new Utf8()) });
    const text = write('strings.parquet', strings, (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(FastParquet.open(readFileSync(text), text)).toBeNull();
    const unsigned = write('uint.parquet', tableFromArrays({
      u8: Uint8Array.of(1, 255), u16: Uint16Array.of(2, 65_535), u32: Uint32Array.of(3, 4_000_000_000), u64: BigUint64Array.of(4n, 2n ** 63n + 2048n),
    }), (b) => b.setCompression(pw.Compression.SNAPPY));
    // Unsigned, not read as signed (4e9 is −294,967,296 as an int32).
    expect(Object.fromEntries(fastColumns(unsigned, () => false))).toEqual({ u8: [1, 255], u16: [2, 65_535], u32: [3, 4_000_000_000], u64: [4, 2 ** 63 + 2048] });
    expect(Object.fromEntries(await referenceColumns(unsigned, () => false))).toEqual(Object.fromEntries(fastColumns(unsigned, () => false)));
    const signed = write('int.parquet', tableFromArrays({ i: new Int32Array([-1, 7]) }), (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(FastParquet.open(readFileSync(signed), signed)).not.toBeNull();
    const nested = new Table({ s: vectorFromArray([{ a: 1 }, { a: 2 }], new Struct([new Field('a', new Int32())])) });
    const n = write('nested.parquet', nested, (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(FastParquet.open(readFileSync(n), n)).toBeNull();
  });
});

describe('FastParquet on truncated and corrupted files', () => {
  for (const [codec, compression] of [['snappy', pw.Compression.SNAPPY], ['brotli', pw.Compression.BROTLI], ['zstd', pw.Compression.ZSTD], ['lz4_raw', pw.Compression.LZ4_RAW]] as const) it(`${codec} pages: every truncation and 300 random corruptions end in values or a DataError naming the file (never a hang or another error)`, () => {
    const file = write(`fuzz-src-${codec}.parquet`, sampleTable(3000, 5), (b) => b.setCompression(compression)
      .setColumnDictionaryEnabled('ts_local', false).setColumnEncoding('ts_local', pw.Encoding.DELTA_BINARY_PACKED));
    const bytes = readFileSync(file);
    let seed = 99;
    const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
    const variants: Buffer[] = [];
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 80))) variants.push(bytes.subarray(0, cut));
    for (let k = 0; k < 300; k++) {
      const b = Buffer.from(bytes);
      for (let j = 0; j < 1 + (k % 4); j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      variants.push(b);
    }
    let errors = 0;
    for (const v of variants) {
      try {
        const fp = FastParquet.open(v, 'fuzz.parquet');
        if (fp === null) continue;
        for (let g = 0; g < fp.rowGroups.length; g++) {
          // Every column read both ways: as numbers, and as time (an int64 one then decoded as epoch µs).
          for (const [i, c] of fp.columns.entries()) expect(fp.readColumn(g, c.name, i % 2 === 1).length).toBe(fp.rowGroups[g].numRows);
        }
      } catch (e) {
        errors++;
        expect(e, String(e)).toBeInstanceOf(DataError);
        expect((e as DataError).location.file).toBe('fuzz.parquet');
      }
    }
    expect(errors).toBeGreaterThan(80); // every truncation at least
  });

  it('text columns too: truncations and 300 corruptions end in strings or a DataError naming the file', () => {
    const file = tmp.file('fuzz-text.parquet');
    const w = new ParquetStreamWriter(file, { side: 'string', id: 'string', tag: 'string' });
    const n = 5000;
    w.writeRowGroup({ side: Array.from({ length: n }, (_, i) => (i % 3 ? 'buy' : 'sell')), id: Array.from({ length: n }, (_, i) => `O-${i}`), tag: Array.from({ length: n }, (_, i) => ['', 'été', 'x'][i % 3]) }, n);
    w.close();
    const bytes = readFileSync(file);
    let seed = 7;
    const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
    let errors = 0;
    for (let k = 0; k < 380; k++) {
      const b = k < 80 ? bytes.subarray(0, Math.floor((k / 80) * bytes.length)) : Buffer.from(bytes);
      if (k >= 80) for (let j = 0; j < 1 + (k % 4); j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        const fp = FastParquet.open(b, 'fuzz-text.parquet', { text: true });
        if (fp === null) continue;
        for (let g = 0; g < fp.rowGroups.length; g++) {
          for (const col of fp.readRowGroupTexts(g).values()) {
            expect(col.length).toBe(fp.rowGroups[g].numRows);
            expect(col.every((x) => typeof x === 'string')).toBe(true);
          }
        }
      } catch (e) {
        errors++;
        expect(e, String(e)).toBeInstanceOf(DataError);
        expect((e as DataError).location.file).toBe('fuzz-text.parquet');
      }
    }
    expect(errors).toBeGreaterThan(80);
  });
});

describe('snappy', () => {
  it('decodes hand-made blocks: literals, 1/2/4-byte-offset copies, overlapping runs', () => {
    // "abcd" literal, then copy len 8 offset 4 (tag kind 1), then copy len 3 offset 1 (kind 2), then literal "Z".
    const block = Uint8Array.from([16, 0x0c, 97, 98, 99, 100, ((8 - 4) << 2) | 1, 4, ((3 - 1) << 2) | 2, 1, 0, 0x00, 90]);
    const out = new Uint8Array(snappyLength(block));
    snappyDecompress(block, out);
    expect(Buffer.from(out).toString()).toBe('abcdabcdabcdddd' + 'Z');
    const four = Uint8Array.from([6, 0x04, 120, 121, ((4 - 1) << 2) | 3, 2, 0, 0, 0]);
    const o2 = new Uint8Array(snappyLength(four));
    snappyDecompress(four, o2);
    expect(Buffer.from(o2).toString()).toBe('xyxyxy');
  });

  it('refuses copies before the start and lengths that disagree', () => {
    expect(() => snappyDecompress(Uint8Array.from([4, (0 << 2) | 1, 9]), new Uint8Array(4))).toThrow(/outside/);
    expect(() => snappyDecompress(Uint8Array.from([3, 0x00, 65]), new Uint8Array(3))).toThrow(/expected 3/);
  });
});

describe('tick files either way', () => {
  it('a tick file the general reader takes (a nested column), a zstd one, an LZ4 one and our Snappy + delta file read as the same batches', async () => {
    const { readTickParquet, writeTickParquet } = await import('./tick-parquet.ts');
    const { allocQuotes } = await import('./tick-batch.ts');
    const n = 2500;
    const q = allocQuotes(n);
    for (let i = 0; i < n; i++) {
      q.ts[i] = 1_700_000_000_000_000 + i * 1000; q.tsLocal[i] = q.ts[i] + 150;
      q.bidPrice[i] = 100 + (i % 13) * 0.5; q.askPrice[i] = q.bidPrice[i] + 0.5; q.bidSize[i] = 1 + (i % 5); q.askSize[i] = 2 + (i % 3);
    }
    q.length = n;
    const ours = tmp.file('quotes-ours.parquet');
    await writeTickParquet(ours, { kind: 'quotes', batch: q });
    expect(FastParquet.open(readFileSync(ours), ours)).not.toBeNull();
    // The same table re-encoded by parquet-wasm: with a nested column outside the fast subset, with zstd or LZ4 pages in it.
    const table = await readParquetTable(ours);
    const nested = vectorFromArray(Array.from({ length: n }, (_, i) => ({ a: i })), new Struct([new Field('a', new Int32())]));
    const flagged = new Table({ ...Object.fromEntries(table.schema.fields.map((f) => [f.name, table.getChild(f.name)!])), venue: nested });
    const general = write('quotes-nested.parquet', flagged, (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(FastParquet.open(readFileSync(general), general, { text: true })).toBeNull();
    const zstd = write('quotes-zstd.parquet', table, (b) => b.setCompression(pw.Compression.ZSTD));
    expect(FastParquet.open(readFileSync(zstd), zstd)).not.toBeNull();
    const lz4 = write('quotes-lz4.parquet', table, (b) => b.setCompression(pw.Compression.LZ4_RAW));
    expect(FastParquet.open(readFileSync(lz4), lz4)).not.toBeNull();
    const rows = async (f: string) => {
      const out: number[][] = [];
      for await (const b of readTickParquet(f)) {
        const x = b.batch as typeof q;
        for (let i = 0; i < x.length; i++) out.push([x.ts[i], x.tsLocal[i], x.bidPrice[i], x.bidSize[i], x.askPrice[i], x.askSize[i]]);
      }
      return out;
    };
    const a = await rows(ours);
    expect(a.length).toBe(n);
    expect(a[1234]).toEqual([q.ts[1234], q.tsLocal[1234], q.bidPrice[1234], q.bidSize[1234], q.askPrice[1234], q.askSize[1234]]);
    expect(await rows(general)).toEqual(a);
    expect(await rows(zstd)).toEqual(a);
    expect(await rows(lz4)).toEqual(a);
    // With a text column the tick kind does not use (a symbol): the same batches, through the decoder.
    const read = await readParquetTable(ours);
    const symbol = vectorFromArray(Array.from({ length: n }, () => 'BTCUSDT'), new Utf8());
    const named = new Table({ ...Object.fromEntries(read.schema.fields.map((f) => [f.name, read.getChild(f.name)!])), symbol });
    const withSymbol = write('quotes-symbol.parquet', named, (b) => b.setCompression(pw.Compression.SNAPPY));
    expect(FastParquet.open(readFileSync(withSymbol), withSymbol)).toBeNull(); // numbers only: outside
    expect(FastParquet.open(readFileSync(withSymbol), withSymbol, { text: true })).not.toBeNull();
    expect(await rows(withSymbol)).toEqual(a);
  });

  it('a tick column written as text (an aggressor of buy/sell) is refused by name, as the general reader refuses it', async () => {
    const { readTickParquet, writeTickParquet } = await import('./tick-parquet.ts');
    const { allocTrades } = await import('./tick-batch.ts');
    const n = 4;
    const t = allocTrades(n);
    for (let i = 0; i < n; i++) { t.ts[i] = 1_700_000_000_000_000 + i; t.tsLocal[i] = t.ts[i]; t.price[i] = 100 + i; t.qty[i] = 1; t.aggressor[i] = i % 2 ? -1 : 1; }
    t.length = n;
    const numeric = tmp.file('trades-numeric.parquet');
    await writeTickParquet(numeric, { kind: 'trades', batch: t });
    const read = await readParquetTable(numeric);
    const trades = new Table({
      ...Object.fromEntries(read.schema.fields.filter((f) => f.name !== 'aggressor').map((f) => [f.name, read.getChild(f.name)!])),
      aggressor: vectorFromArray(['buy', 'sell', 'buy', 'sell'], new Utf8()),
    });
    const file = write('trades-text-aggressor.parquet', trades, (b) => b.setCompression(pw.Compression.SNAPPY));
    const err = await (async () => { for await (const _ of readTickParquet(file)) { /* drain */ } })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toMatchObject({ file, field: 'aggressor' });
  });
});

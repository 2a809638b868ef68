import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawBytes, rawsOf, writeNautilus } from '../../test/nautilus-files.ts';
import { PhysicalType, writeParquetByHand } from '../../test/parquet-by-hand.ts';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { arrowSchemaMetadata } from './arrow-schema-metadata.ts';
import { fixedPointValues, type FixedPoint } from './fixed-point.ts';
import { FastParquet } from './parquet-fast.ts';
import { readParquetBars } from './arrow-bars.ts';
import { readTickParquet } from './tick-parquet.ts';
import type { TradeBatch, QuoteBatch } from './tick-batch.ts';

const tmp = tempDir();

/**
 * The second implementation the decoder is checked against: NautilusTrader's reading of a raw
 * integer in BigInt — rounded to a multiple of 10^(rawDecimals − decimals), half away from
 * zero — printed as a decimal and parsed by JavaScript's Number (the double nearest to it);
 * `exact`: that multiple is below 2^53 units, where the decoder must give exactly this double.
 */
function expected(raw: bigint, fp: FixedPoint, width: number): { value: number; exact: boolean } {
  const bits = BigInt(8 * width);
  if (fp.signed ? raw === (1n << (bits - 1n)) - 1n || raw === -(1n << (bits - 1n)) : raw === (1n << bits) - 1n) return { value: Number.NaN, exact: true };
  const shift = BigInt(Math.max(0, fp.rawDecimals - fp.decimals));
  const unit = 10n ** shift;
  const mag = raw < 0n ? -raw : raw;
  let q = mag / unit;
  if (2n * (mag % unit) >= unit) q += 1n;
  const places = fp.rawDecimals - Number(shift);
  const digits = q.toString().padStart(places + 1, '0');
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return { value: Number(`${raw < 0n ? '-' : ''}${text}`), exact: q < 2n ** 53n };
}

/** True when `got` is the expected reading: that double exactly below 2^53 units, within two units in its last place above. */
function agrees(got: number, want: { value: number; exact: boolean }): boolean {
  return Object.is(got, want.value) || (!want.exact && Math.abs(got - want.value) <= Math.abs(want.value) * 2 ** -51);
}

describe('NautilusTrader fixed-point raws (fixedPointValues)', () => {
  // Raws as NautilusTrader writes them, and with the stray digits of `int(value * scale)`: exact
  // halves either way, negatives, magnitudes past 2^53 and past 2^64 (16 bytes), sentinels.
  const cases: Array<{ width: number; fp: FixedPoint; raws: bigint[] }> = [
    { width: 8, fp: { signed: true, rawDecimals: 9, decimals: 2 }, raws: [...rawsOf(['50123.45', '-0.01', '0', '123456.78', '9007199.25'], 9), 50_123_455_000_000n, 50_123_454_999_999n, -50_123_455_000_000n, 12_345_678_901n, (1n << 63n) - 1n, -(1n << 63n)] },
    { width: 8, fp: { signed: false, rawDecimals: 9, decimals: 8 }, raws: [...rawsOf(['3630420', '0.00285400', '18446744073.70955161'], 9), 2_853_000n, 2_853_005n, 2_853_004n, (1n << 64n) - 1n, (1n << 64n) - 2n] },
    { width: 8, fp: { signed: true, rawDecimals: 9, decimals: 9 }, raws: [1n, -1n, 123_456_789_012_345_678n, -9_007_199_254_740_993n] },
    { width: 16, fp: { signed: true, rawDecimals: 16, decimals: 2 }, raws: [...rawsOf(['50123.45', '-50123.47', '99999999999.99', '0.05'], 16), 501_234_550_000_000_000_000n, 501_234_549_999_999_999_999n, -501_234_550_000_000_000_000n, (1n << 127n) - 1n, -(1n << 127n), 3n * 10n ** 30n + 5n * 10n ** 13n] },
    { width: 16, fp: { signed: true, rawDecimals: 16, decimals: 0 }, raws: [5n * 10n ** 15n, 15n * 10n ** 15n, -5n * 10n ** 15n, 12_345n * 10n ** 16n + 4_999_999_999_999_999n, 2n ** 100n] },
    { width: 16, fp: { signed: false, rawDecimals: 16, decimals: 8 }, raws: [...rawsOf(['0.00285300', '16230570', '0.00000001'], 16), 28_530_000_000_000n + 49_999_999n, 28_530_000_000_000n + 50_000_000n, (1n << 128n) - 1n, (1n << 127n) + 12_345n] },
    // Past 2^53 raws whose rounding turns on an exact half of the unit (each step of the division must be exact to see it).
    { width: 16, fp: { signed: true, rawDecimals: 16, decimals: 8 }, raws: [(1n << 40n) * 10n ** 8n + 50_000_000n, (1n << 40n) * 10n ** 8n + 49_999_999n, -((1n << 40n) * 10n ** 8n + 50_000_000n), 1234n * 10n ** 16n + 5n * 10n ** 7n, 1234n * 10n ** 16n + 4n * 10n ** 7n + 99_999_99n] },
    // Negative raws whose low 32-bit words are zero (the negation's carry runs through them).
    { width: 16, fp: { signed: true, rawDecimals: 16, decimals: 2 }, raws: [-(1n << 64n), -(5n << 32n) * 10n ** 14n, -(1n << 96n), -(3n << 64n) - (1n << 32n)] },
    { width: 8, fp: { signed: true, rawDecimals: 9, decimals: 3 }, raws: [-(3_000_000n << 32n), -(1n << 62n), -(2_100_001n << 32n)] },
    { width: 16, fp: { signed: true, rawDecimals: 16, decimals: 16 }, raws: [1n, -1n, 10n ** 16n + 1n, -(10n ** 16n) - 3n] },
  ];
  for (const { width, fp, raws } of cases) {
    it(`${width} bytes, ${fp.signed ? 'signed' : 'unsigned'}, ${fp.decimals} decimals: each value the BigInt reading's nearest double, sentinels NaN`, () => {
      const out = new Float64Array(raws.length + 1).fill(7);
      // One value of padding before, as a page's values start anywhere.
      fixedPointValues(Uint8Array.from([9, ...rawBytes(raws, width)]), 1, width, fp, out, 1, raws.length);
      expect(out[0]).toBe(7);
      const want = raws.map((r) => expected(r, fp, width));
      expect(Array.from(out.subarray(1)).map((v, i) => (agrees(v, want[i]) ? 'ok' : `${v} for ${raws[i]}, want ${want[i].value}`))).toEqual(raws.map(() => 'ok'));
      expect(want.filter((w) => w.exact).length).toBeGreaterThanOrEqual(raws.length / 2);
    });
  }

  it('random raws of every width, sign and precision agree with the BigInt reading', () => {
    let exact = 0;
    let seed = 12_345;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const width of [8, 16]) {
      for (const signed of [true, false]) {
        for (let decimals = 0; decimals <= (width === 8 ? 9 : 16); decimals++) {
          const fp = { signed, rawDecimals: width === 8 ? 9 : 16, decimals };
          const raws = Array.from({ length: 200 }, () => {
            let r = 0n;
            const bytes = 1 + Math.floor(next() * width);
            for (let b = 0; b < bytes; b++) r = (r << 8n) | BigInt(Math.floor(next() * 256));
            return BigInt[signed ? 'asIntN' : 'asUintN'](8 * width, r);
          });
          const out = new Float64Array(raws.length);
          fixedPointValues(rawBytes(raws, width), 0, width, fp, out, 0, raws.length);
          const want = raws.map((r) => expected(r, fp, width));
          const wrong = Array.from(out).flatMap((v, i) => (agrees(v, want[i]) ? [] : [`${v} for ${raws[i]}, want ${want[i].value}`]));
          expect(wrong, `${width} bytes, signed ${signed}, ${decimals} decimals`).toEqual([]);
          exact += want.filter((w) => w.exact).length;
        }
      }
    }
    expect(exact).toBeGreaterThan(3_000); // most of the 12,000 are below 2^53 units: read exactly
  });
});

describe('Arrow schema metadata in a Parquet footer (ARROW:schema)', () => {
  it('reads the key-value pairs apache-arrow wrote, through arrow-rs\' footer', async () => {
    const file = await writeNautilus(tmp.file('meta.parquet'), 8, { price: [1n], ts_event: BigUint64Array.of(1n) },
      { price_precision: '4', size_precision: '0', instrument_id: 'EUR/USD.SIM', note: 'é and ünïcode', empty: '' });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (await c.runAndReadAll(`SELECT value FROM parquet_kv_metadata('${file}') WHERE key = 'ARROW:schema'`)).getRowObjectsJson();
    c.closeSync();
    expect(arrowSchemaMetadata(String(rows[0].value))).toEqual(new Map([
      ['price_precision', '4'], ['size_precision', '0'], ['instrument_id', 'EUR/USD.SIM'], ['note', 'é and ünïcode'], ['empty', ''],
    ]));
  });

  it('refuses bytes that are not a schema message', () => {
    expect(() => arrowSchemaMetadata(Buffer.from('not a schema at all').toString('base64'))).toThrow(/not an Arrow IPC schema message|flatbuffer/);
    expect(() => arrowSchemaMetadata('')).toThrow(/not an Arrow IPC schema message/);
  });
});

describe('NautilusTrader catalog files', () => {
  const prices = { open: ['100.10', '101.00', '99.95', '100.50'], high: ['102.00', '101.50', '100.40', '100.90'], low: ['100.00', '100.60', '99.80', '100.10'], close: ['101.00', '100.70', '100.30', '100.80'] };
  const volume = ['1100', '1110', '0.5', '12'];
  const ns = BigUint64Array.from([0n, 1n, 2n, 3n], (k) => 1_700_000_000_000_000_000n + k * 60_000_000_000n + 1_499n);

  for (const width of [8, 16]) {
    it(`bars of ${width} bytes: values at the file's precision, ts_event's ns as µs (rounded), and the same backtest as from a CSV of the same bars`, async () => {
      const rawDecimals = width === 8 ? 9 : 16;
      const cols = Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, rawsOf(v, rawDecimals)]));
      const file = await writeNautilus(tmp.file(`bars-${width}.parquet`), width, { ...cols, volume: rawsOf(volume, rawDecimals), ts_event: ns, ts_init: ns.slice() },
        { bar_type: 'X.SIM-1-MINUTE-LAST-EXTERNAL', price_precision: '2', size_precision: '1' });
      const fast = FastParquet.openFile(file, { text: true });
      expect(fast?.columns.map((c) => c.physical)).toEqual(['fixedPoint', 'fixedPoint', 'fixedPoint', 'fixedPoint', 'fixedPoint', 'int64', 'int64']);
      fast!.close();
      const batches = [];
      for await (const b of readParquetBars(file)) batches.push(b);
      expect(batches).toHaveLength(1);
      const b = batches[0];
      for (const [k, v] of Object.entries(prices)) expect(Array.from(b[k as keyof typeof prices])).toEqual(v.map(Number));
      expect(Array.from(b.volume)).toEqual(volume.map(Number));
      // 1,499 ns past the µs rounds down to 1 µs past: round(ns / 1000) in BigInt.
      expect(Array.from(b.ts)).toEqual(Array.from(ns, (t) => Number((t + 500n) / 1000n)));

      const csv = tmp.file(`bars-${width}.csv`, ['timestamp,open,high,low,close,volume', ...Array.from(ns, (t, i) =>
        [String((t + 500n) / 1000n), prices.open[i], prices.high[i], prices.low[i], prices.close[i], volume[i]].join(','))].join('\n'));
      const run = (f: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 1, slow: 2 }, data: [{ file: f, instrument: { symbol: 'X' } }] });
      const [fromNautilus, fromCsv] = [await run(file), await run(csv)];
      expect(fromNautilus.fills.length).toBeGreaterThan(0);
      expect(fromNautilus.fillsDigest).toBe(fromCsv.fillsDigest);
      expect(fromNautilus.finalValue).toBe(fromCsv.finalValue);
    });
  }

  it('a bar type\'s folder (data/bar/TYPE) backtests as its parts in name order, as one series equal to the CSV of all its bars', async () => {
    const folder = join(tmp.dir, 'catalog', 'data', 'bar', 'X.SIM-1-MINUTE-LAST-EXTERNAL');
    mkdirSync(folder, { recursive: true });
    const n = 60;
    const close = Array.from({ length: 2 * n }, (_, i) => (100 + 5 * Math.sin(i / 7)).toFixed(2));
    const t = (i: number) => 1_700_000_000_000_000_000n + BigInt(i) * 60_000_000_000n;
    for (const k of [1, 0]) {
      const c = close.slice(k * n, (k + 1) * n);
      const raws = rawsOf(c, 9);
      const ts = BigUint64Array.from({ length: n }, (_, i) => t(k * n + i));
      await writeNautilus(join(folder, `part-${k}.parquet`), 8, { open: raws, high: raws.slice(), low: raws.slice(), close: raws.slice(), volume: rawsOf(c.map(() => '1'), 9), ts_event: ts, ts_init: ts.slice() },
        { bar_type: 'X.SIM-1-MINUTE-LAST-EXTERNAL', price_precision: '2', size_precision: '0' });
    }
    const csv = tmp.file('all-bars.csv', ['timestamp,open,high,low,close,volume', ...close.map((c, i) => `${String(t(i) / 1000n)},${c},${c},${c},${c},1`)].join('\n'));
    const run = (f: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 3, slow: 8 }, data: [{ file: f, instrument: { symbol: 'X' } }] });
    const [fromFolder, fromCsv] = [await run(folder), await run(csv)];
    expect(fromFolder.events).toBe(2 * n);
    expect(fromFolder.fills.length).toBeGreaterThan(4);
    expect(fromFolder.fillsDigest).toBe(fromCsv.fillsDigest);
    expect(fromFolder.finalValue).toBe(fromCsv.finalValue);
  });

  it('a bar file\'s tick is one unit of its price_precision, where whole-number prices alone would suggest 1', async () => {
    const whole = ['100', '101', '99', '102'];
    const cols = Object.fromEntries(['open', 'high', 'low', 'close'].map((k) => [k, rawsOf(whole, 9)]));
    const file = await writeNautilus(tmp.file('whole.parquet'), 8, { ...cols, volume: rawsOf(whole, 9), ts_event: ns.slice(), ts_init: ns.slice() },
      { price_precision: '2', size_precision: '0' });
    const csv = tmp.file('whole.csv', ['timestamp,open,high,low,close,volume', ...whole.map((p, i) => `${String((ns[i] + 500n) / 1000n)},${p},${p},${p},${p},1`)].join('\n'));
    const run = (f: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 1, slow: 2 }, data: [{ file: f, instrument: { symbol: 'X' } }] });
    expect((await run(file)).instruments[0].tickSize).toBe(0.01);
    expect((await run(csv)).instruments[0].tickSize).toBe(1);
  });

  it('trades: price and size at the file\'s precisions, aggressor_side 1/2/0 as 1/−1/0, ts_init as the local time', async () => {
    const t0 = 1_700_000_000_000_000_000n;
    const file = await writeNautilus(tmp.file('trades.parquet'), 16, {
      price: rawsOf(['1.10001', '1.10002', '1.10000'], 16), size: rawsOf(['100000', '250000', '5'], 16),
      aggressor_side: Uint8Array.of(1, 2, 0), ts_event: BigUint64Array.of(t0, t0 + 1_000n, t0 + 2_000n), ts_init: BigUint64Array.of(t0 + 5_000n, t0 + 6_000n, t0 + 7_000n),
    }, { instrument_id: 'EUR/USD.SIM', price_precision: '5', size_precision: '0' });
    const out = [];
    for await (const tb of readTickParquet(file)) out.push(tb);
    expect(out.map((x) => x.kind)).toEqual(['trades']);
    const t = out[0].batch as TradeBatch;
    const us = Number(t0 / 1000n);
    expect(Array.from(t.price)).toEqual([1.10001, 1.10002, 1.1]);
    expect(Array.from(t.qty)).toEqual([100_000, 250_000, 5]);
    expect(Array.from(t.aggressor)).toEqual([1, -1, 0]);
    expect(Array.from(t.ts)).toEqual([us, us + 1, us + 2]);
    expect(Array.from(t.tsLocal)).toEqual([us + 5, us + 6, us + 7]);
  });

  it('an instrument\'s trade_tick/ID folder backtests as it is, with its quote_tick/ID: parts in name order, the tick of their price precision', async () => {
    const data = join(tmp.dir, 'catalog', 'data');
    const t0 = 1_700_000_000_000_000_000n;
    const n = 300;
    const mid = Array.from({ length: 2 * n }, (_, i) => 100 + 3 * Math.sin(i / 20));
    const times = (k: number, lag: bigint) => BigUint64Array.from({ length: n }, (_, i) => t0 + BigInt(k * n + i) * 1_000_000_000n + lag);
    const cents = (xs: number[]) => rawsOf(xs.map((x) => x.toFixed(2)), 16);
    const meta = { instrument_id: 'ABC.SIM', price_precision: '2', size_precision: '0' };
    for (const [kind, dir] of [['trades', 'trade_tick'], ['quotes', 'quote_tick']] as const) {
      const folder = join(data, dir, 'ABC.SIM');
      mkdirSync(folder, { recursive: true });
      // Written out of order: the parts replay by name.
      for (const k of [1, 0]) {
        const m = mid.slice(k * n, (k + 1) * n);
        const ones = rawsOf(m.map(() => '1'), 16);
        await writeNautilus(join(folder, `part-${k}.parquet`), 16, kind === 'trades'
          ? { price: cents(m), size: ones, aggressor_side: Uint8Array.from({ length: n }, (_, i) => 1 + (i % 2)), ts_event: times(k, 1_000n), ts_init: times(k, 3_000n) }
          : { bid_price: cents(m.map((x) => x - 0.01)), ask_price: cents(m.map((x) => x + 0.01)), bid_size: ones, ask_size: rawsOf(m.map(() => '1'), 16), ts_event: times(k, 0n), ts_init: times(k, 2_000n) }, meta);
      }
    }
    const r = await runBacktest({ strategy: 'trade-momentum', params: { fast: 5, slow: 20, size: 1 }, data: [{ file: join(data, 'trade_tick', 'ABC.SIM'), instrument: { symbol: 'ABC' } }] });
    expect(r.events).toBe(4 * n);
    expect(r.instruments[0].tickSize).toBe(0.01);
    expect(r.fills.length).toBeGreaterThan(2);
    // Taker fills at the quoted ask (buys) or bid (sells) of that moment.
    const asks = mid.map((x) => Number((x + 0.01).toFixed(2)));
    const bids = mid.map((x) => Number((x - 0.01).toFixed(2)));
    for (const f of r.fills) expect(f.side === 'buy' ? asks : bids).toContain(f.price);
    // One file of such a folder is that folder's kind (here: 300 trades, which alone fill nothing).
    const one = await runBacktest({ strategy: 'trade-momentum', params: { fast: 5, slow: 20, size: 1 }, data: [{ file: join(data, 'trade_tick', 'ABC.SIM', 'part-0.parquet'), instrument: { symbol: 'ABC' } }] });
    expect(one.events).toBe(n);
  });

  it('quotes: bid and ask prices and sizes at the file\'s precisions', async () => {
    const t0 = 1_577_898_000_000_000_000n;
    const file = await writeNautilus(tmp.file('quotes.parquet'), 8, {
      bid_price: rawsOf(['112.120', '112.117'], 9), ask_price: rawsOf(['112.172', '112.161'], 9),
      bid_size: rawsOf(['10000000', '5000000'], 9), ask_size: rawsOf(['10000000', '1'], 9),
      ts_event: BigUint64Array.of(t0, t0 + 1_000_000n), ts_init: BigUint64Array.of(t0, t0 + 1_000_000n),
    }, { instrument_id: 'USD/JPY.SIM', price_precision: '3', size_precision: '0' });
    const out = [];
    for await (const tb of readTickParquet(file)) out.push(tb);
    const q = out[0].batch as QuoteBatch;
    expect(out[0].kind).toBe('quotes');
    expect([Array.from(q.bidPrice), Array.from(q.askPrice), Array.from(q.bidSize), Array.from(q.askSize)]).toEqual([[112.12, 112.117], [112.172, 112.161], [10_000_000, 5_000_000], [10_000_000, 1]]);
  });

  it('fixed-length bytes without NautilusTrader\'s precisions are not read as its raws', async () => {
    // The same bytes with no price_precision / size_precision in the metadata: plain bytes, left to the general reader.
    const file = tmp.file('plain-bytes.parquet');
    writeParquetByHand(file, [{ name: 'price', type: PhysicalType.FIXED_LEN_BYTE_ARRAY, typeLength: 8, values: [rawBytes([123_400_000_000n], 8)] }]);
    expect(FastParquet.openFile(file, { text: true })).toBeNull();
  });
});

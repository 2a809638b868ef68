import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { BookDeltaView } from '../core/events.ts';
import { DataError } from '../core/errors.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { readBinanceCsv, readBinanceKlines, readBinanceParquet } from './binance-files.ts';
import { readParquetTable } from './parquet-batches.ts';
import { readTardisAll } from './tardis-csv.ts';
import { DeltaFlag, type DeltaBatch, type QuoteBatch, type TickBatch, type TradeBatch } from './tick-batch.ts';

const tmp = tempDir();

/** Applies deltas to a book keeper (error policy) and returns it. */
function replay(d: DeltaBatch): L2BookKeeper {
  const k = new L2BookKeeper(1);
  for (let i = 0; i < d.length; i++) {
    const v: BookDeltaView = {
      instrumentId: 'X', instrumentIndex: 0, ts: d.ts[i], tsLocal: d.tsLocal[i], side: d.side[i] as 1 | -1, price: d.price[i], qty: d.qty[i],
      isSnapshot: (d.flags[i] & DeltaFlag.snapshot) !== 0, clear: (d.flags[i] & DeltaFlag.clear) !== 0, last: (d.flags[i] & DeltaFlag.last) !== 0,
    };
    k.apply(v);
  }
  return k;
}

async function collect<T>(g: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

describe('Tardis CSV readers', () => {
  it('trades: aggressor from side, both timestamps kept', async () => {
    const [b] = await readTardisAll(sharedFile('tardis/bitmex_trades_XBTUSD.csv'));
    const t = b.batch as TradeBatch;
    expect(b.kind).toBe('trades');
    expect(t.length).toBe(10);
    expect([t.ts[0], t.tsLocal[0], t.price[0], t.qty[0], t.aggressor[0]]).toEqual([1583020803145000, 1583020803307160, 8531.5, 2152, -1]);
  });

  it('quotes', async () => {
    const [b] = await readTardisAll(sharedFile('tardis/huobi-dm-swap_quotes_BTC-USD.csv'));
    const q = b.batch as QuoteBatch;
    expect(b.kind).toBe('quotes');
    expect([q.bidPrice[0], q.bidSize[0], q.askPrice[0], q.askSize[0]]).toEqual([8629.2, 806, 8629.3, 5494]);
  });

  it('incremental_book_L2: snapshot then updates build an uncrossed book', async () => {
    const [b] = await readTardisAll(sharedFile('tardis/deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
    const d = b.batch as DeltaBatch;
    expect(d.length).toBe(15);
    expect(d.flags[0] & (DeltaFlag.snapshot | DeltaFlag.clear)).toBe(DeltaFlag.snapshot | DeltaFlag.clear);
    expect(d.flags[1] & DeltaFlag.clear).toBe(0);
    const book = replay(d).book(0);
    expect(book.state()).not.toBe('crossed');
  });

  it('book_snapshot_5 and _25: each row rebuilds the top N levels', async () => {
    for (const [file, n] of [['tardis/binance-futures_book_snapshot_5_BTCUSDT.csv', 5], ['tardis/binance-futures_book_snapshot_25_BTCUSDT.csv', 25]] as const) {
      const [b] = await readTardisAll(sharedFile(file));
      const d = b.batch as DeltaBatch;
      expect(d.length).toBe(10 * 2 * n);
      const header = readFileSync(sharedFile(file), 'utf8').split('\n')[0].split(',');
      const last = readFileSync(sharedFile(file), 'utf8').trim().split('\n').at(-1)!.split(',');
      const book = replay(d).book(0);
      expect(book.bestAsk()).toBe(Number(last[header.indexOf('asks[0].price')]));
      expect(book.bestBid()).toBe(Number(last[header.indexOf('bids[0].price')]));
      expect(book.top(1, 100)).toHaveLength(n);
    }
  });

  it('gzip input gives the same rows', async () => {
    const src = sharedFile('tardis/bitmex_trades_XBTUSD.csv');
    const gz = tmp.file('trades.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(src)));
    const [a] = await readTardisAll(src);
    const [b] = await readTardisAll(gz);
    expect(Array.from((b.batch as TradeBatch).price.subarray(0, 10))).toEqual(Array.from((a.batch as TradeBatch).price.subarray(0, 10)));
  });
});

describe('Binance readers', () => {
  it('depth snapshot + updates: flags, sides, update-id chain checked', async () => {
    const [snap] = await collect(readBinanceCsv(sharedFile('crypto/binance-btcusdt-depth-snap.csv'), 'depth'));
    const d = snap.batch as DeltaBatch;
    expect(d.length).toBe(100);
    expect(d.flags[0]).toBe(DeltaFlag.snapshot | DeltaFlag.clear);
    expect(d.flags[99] & DeltaFlag.last).toBe(DeltaFlag.last);
    // The sample snapshot holds 100 bid levels only.
    const book = replay(d).book(0);
    expect(book.state()).toBe('one-sided');
    expect(book.top(1, 1000)).toHaveLength(100);
    expect(book.bestBid()).toBe(20377);
    const [upd] = await collect(readBinanceCsv(sharedFile('crypto/binance-btcusdt-depth-update.csv'), 'depth'));
    expect(upd.batch.length).toBe(100);
  });

  it('a sequence gap is an error naming the row and field pu; resnapshot drops until the next snapshot', async () => {
    const text = readFileSync(sharedFile('crypto/binance-btcusdt-depth-update.csv'), 'utf8').trim().split('\n');
    const row = (first: number, last: number, pu: number) => `BTCUSDT,1667347200000,${first},${last},a,set,20500.00,1.000,${pu}`;
    const file = tmp.file('gap.csv', [...text, row(2098041696701, 2098041696800, 2098041696700), row(2098041696900, 2098041697000, 2098041696850)].join('\n') + '\n');
    const err = await collect(readBinanceCsv(file, 'depth')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toEqual({ file, row: 103, field: 'pu' });
    const ok = await collect(readBinanceCsv(file, 'depth', { onGap: 'resnapshot' }));
    expect(ok.reduce((n, b) => n + b.batch.length, 0)).toBe(101); // the chained update kept, the one after the gap dropped
  });

  it('trades / aggTrades / klines dumps without a header, millisecond times', async () => {
    const t = tmp.file('BTCUSDT-trades.csv', '1,100.5,0.2,20.1,1700000000000,true,true\n2,100.6,0.1,10.06,1700000000005,false,true\n');
    const [tb] = await collect(readBinanceCsv(t, 'trades'));
    const tr = tb.batch as TradeBatch;
    expect([tr.ts[0], tr.price[1], tr.aggressor[0], tr.aggressor[1]]).toEqual([1.7e15, 100.6, -1, 1]);
    const a = tmp.file('BTCUSDT-aggTrades.csv', 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n7,50,1.5,1,3,1700000000001,false\n');
    const [ab] = await collect(readBinanceCsv(a, 'aggTrades'));
    expect([(ab.batch as TradeBatch).qty[0], (ab.batch as TradeBatch).ts[0]]).toEqual([1.5, 1700000000001000]);
    const k = tmp.file('BTCUSDT-1m.csv', '1700000000000,10,11,9,10.5,100,1700000059999,1050,10,50,525,0\n1700000060000,10.5,12,10,11,80,1700000119999,880,8,40,440,0\n');
    const bars = await readBinanceKlines(k);
    expect([bars.length, bars.ts[1], bars.close[1], bars.volume[0]]).toEqual([2, 1700000060000000, 11, 100]);
  });

  it('NautilusTrader Binance Parquet samples: trades and quotes', async () => {
    const t = await readBinanceParquet(sharedFile('crypto/binance-btcusdt-trades.parquet'));
    const q = await readBinanceParquet(sharedFile('crypto/binance-btcusdt-quotes.parquet'));
    expect(t.kind).toBe('trades');
    expect(t.batch.length).toBe(2001);
    expect([(t.batch as TradeBatch).price[0], (t.batch as TradeBatch).aggressor[0], (t.batch as TradeBatch).aggressor[1]]).toEqual([39432.48, -1, 1]);
    expect(q.kind).toBe('quotes');
    expect([(q.batch as QuoteBatch).bidPrice[0], (q.batch as QuoteBatch).askSize[0]]).toEqual([39432.99, 0.066851]);
    // Times: the files' millisecond timestamps as µs, every row equal to parquet-wasm's (the other reader), the first on 2021-01-08.
    for (const [name, b] of [['trades', t], ['quotes', q]] as const) {
      const ref = (await readParquetTable(sharedFile(`crypto/binance-btcusdt-${name}.parquet`))).getChild('timestamp')!;
      expect([...b.batch.ts], name).toEqual(Array.from({ length: ref.length }, (_, i) => Number(ref.get(i)) * 1000));
      expect(new Date(b.batch.ts[0] / 1000).toISOString().slice(0, 10)).toBe('2021-01-08');
    }
  });
});

describe('readers on truncated and corrupted files (fuzz)', () => {
  const cases: Array<[string, (f: string) => Promise<TickBatch[]>]> = [
    ['tardis/deribit_incremental_book_L2_BTC-PERPETUAL.csv', (f) => readTardisAll(f)],
    ['tardis/binance-futures_book_snapshot_5_BTCUSDT.csv', (f) => readTardisAll(f)],
    ['tardis/bitmex_trades_XBTUSD.csv', (f) => readTardisAll(f)],
    ['crypto/binance-btcusdt-depth-update.csv', (f) => collect(readBinanceCsv(f, 'depth'))],
  ];
  for (const [name, read] of cases) {
    it(`${name}: every truncation and 200 byte corruptions end in rows or a named DataError`, async () => {
      const bytes = readFileSync(sharedFile(name));
      let seed = 42;
      const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
      const variants: Buffer[] = [];
      for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 60))) variants.push(bytes.subarray(0, cut));
      for (let k = 0; k < 200; k++) {
        const b = Buffer.from(bytes);
        const at = Math.floor(rnd() * b.length);
        b[at] = [44, 10, 48 + Math.floor(rnd() * 10), 120, 45][Math.floor(rnd() * 5)];
        variants.push(b);
      }
      for (const v of variants) {
        const f = tmp.file(`fuzz-${name.replace(/\W/g, '_')}.csv`);
        writeFileSync(f, v);
        try {
          const batches = await read(f);
          for (const b of batches) {
            // Whatever was read is well formed: finite numbers, ordered local times.
            const t = b.batch;
            for (let i = 0; i < t.length; i++) {
              expect(Number.isFinite(t.tsLocal[i])).toBe(true);
              if (i > 0) expect(t.tsLocal[i]).toBeGreaterThanOrEqual(t.tsLocal[i - 1]);
            }
          }
        } catch (e) {
          expect(e).toBeInstanceOf(DataError);
          expect((e as DataError).location.file).toBe(f);
        }
      }
    }, 60_000);
  }
});

describe('Parquet readers on truncated and corrupted files (fuzz)', () => {
  it('bar, tick and Binance Parquet readers: truncations and corruptions end in rows or a named DataError', async () => {
    const { openBars } = await import('./read-bars.ts');
    const { readTickParquet } = await import('./tick-parquet.ts');
    const { writeTickParquet } = await import('./tick-parquet.ts');
    const { allocTrades } = await import('./tick-batch.ts');
    const t = allocTrades(500);
    for (let i = 0; i < 500; i++) { t.ts[i] = 1e15 + i; t.tsLocal[i] = 1e15 + i; t.price[i] = 100 + (i % 7); t.qty[i] = 1; t.aggressor[i] = i % 2 ? 1 : -1; }
    t.length = 500;
    const tickFile = tmp.file('trades-fuzz-src.parquet');
    await writeTickParquet(tickFile, { kind: 'trades', batch: t });
    const sources: Array<[Buffer, (f: string) => Promise<unknown>]> = [
      [readFileSync(tickFile), async (f) => collect(readTickParquet(f))],
      [readFileSync(sharedFile('crypto/binance-btcusdt-quotes.parquet')), (f) => readBinanceParquet(f)],
      [readFileSync(sharedFile('crypto/binance-btcusdt-trades.parquet')), async (f) => { const s = await openBars(f); return collect(s.batches); }],
    ];
    let seed = 7;
    const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
    for (const [bytes, read] of sources) {
      const variants: Buffer[] = [];
      for (let k = 1; k <= 25; k++) variants.push(bytes.subarray(0, Math.floor((bytes.length * k) / 26)));
      for (let k = 0; k < 40; k++) {
        const b = Buffer.from(bytes);
        for (let j = 0; j < 8; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        variants.push(b);
      }
      for (const v of variants) {
        const f = tmp.file('fuzz.parquet');
        writeFileSync(f, v);
        try {
          await read(f);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(DataError);
          expect((e as DataError).location.file).toBe(f);
        }
      }
    }
  }, 120_000);
});

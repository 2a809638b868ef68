import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { rawsOf, writeNautilus } from '../../test/nautilus-files.ts';

const tmp = tempDir();


describe('catalog: import, ls, backtest from it', () => {
  it('real Binance samples end to end: import trades + quotes, list them, replay trade-momentum', async () => {
    const catalog = join(tmp.dir, 'catalog');
    const imp = await cli('data', 'import', '--format', 'binance', '--venue', 'BINANCE', '--symbol', 'BTCUSDT', '--catalog', catalog,
      sharedFile('crypto/binance-btcusdt-trades.parquet'), sharedFile('crypto/binance-btcusdt-quotes.parquet'));
    expect(imp.err).toBe('');
    expect(imp.out).toMatch(/imported 2,452 rows/); // 2,001 trades + 451 quotes
    const ls = JSON.parse((await cli('data', 'ls', '--catalog', catalog, '--json')).out);
    expect(ls).toEqual([
      expect.objectContaining({ venue: 'BINANCE', symbol: 'BTCUSDT', kind: 'quotes', rows: 451, days: 1 }),
      expect.objectContaining({ venue: 'BINANCE', symbol: 'BTCUSDT', kind: 'trades', rows: 2001, days: 1, from: '2021-01-08T00:00:00.278Z' }),
    ]);
    const r = await cli('backtest', '--strategy', 'trade-momentum', '--venue', 'BINANCE', '--symbol', 'BTCUSDT', '--catalog', catalog,
      '--lot-size', '0.000001', '--param', 'fast=20', '--param', 'slow=100', '--param', 'size=0.01', '--cash', '100000', '--no-save', '--json');
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.events).toBe(2452);
    expect(j.fills.length).toBeGreaterThan(2);
    // Every fill is a taker buy at the quoted ask or a sell at the quoted bid at that moment (top-of-book venue from quotes).
    for (const f of j.fills) expect(f.liquidity).toBe('taker');
    let cash = 100_000;
    for (const f of j.fills) cash -= (f.side === 'buy' ? 1 : -1) * f.price * f.qty + f.fee;
    expect(j.cash).toBeCloseTo(cash, 6);
    // Resample the same trades to 1-second bars and backtest those as bars.
    const barsFile = join(tmp.dir, 'btc-1s.parquet');
    const rs = await cli('data', 'resample', '--venue', 'BINANCE', '--symbol', 'BTCUSDT', '--catalog', catalog, '--every', '1s', '--out', barsFile);
    expect(rs.err).toBe('');
    const n = Number(/wrote (\d+) bars/.exec(rs.out)![1]);
    expect(n).toBeGreaterThan(30);
    expect(n).toBeLessThanOrEqual(61); // the sample spans one minute
    const bt = JSON.parse((await cli('backtest', '--strategy', 'sma-cross', '--data', barsFile, '--param', 'period=5', '--lot-size', '0.001', '--param', 'size=0.01', '--cash', '100000', '--no-save', '--json')).out);
    expect(bt.events).toBe(n);
  }, 60_000);

  it('Tardis files import by type and a window selects the right rows', async () => {
    const catalog = join(tmp.dir, 'catalog2');
    await cli('data', 'import', '--format', 'tardis', '--venue', 'DERIBIT', '--symbol', 'BTC-PERPETUAL', '--catalog', catalog, sharedFile('tardis/deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
    await cli('data', 'import', '--format', 'tardis', '--venue', 'BITMEX', '--symbol', 'XBTUSD', '--catalog', catalog, sharedFile('tardis/bitmex_trades_XBTUSD.csv'));
    const ls = JSON.parse((await cli('data', 'ls', '--catalog', catalog, '--json')).out);
    expect(ls.map((g: { venue: string; kind: string; rows: number }) => [g.venue, g.kind, g.rows])).toEqual([['BITMEX', 'trades', 10], ['DERIBIT', 'deltas', 15]]);
    const r = await cli('backtest', '--strategy', 'grid-mm', '--venue', 'DERIBIT', '--symbol', 'BTC-PERPETUAL', '--catalog', catalog, '--tick-size', '0.5',
      '--param', 'size=10', '--lot-size', '10', '--no-save', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).events).toBe(15);
  });

  it('--format csv reads a CSV in the normalized schema (any column order, epoch or ISO times); bad cells are named', async () => {
    const catalog = join(tmp.dir, 'csv-catalog');
    const csv = tmp.file('trades.csv', [
      'ts_local,ts_event,aggressor,size,price',
      '2024-01-02T00:00:00.001Z,2024-01-02T00:00:00Z,1,1.5,100.25',
      '1704153600003000,1704153600002000,-1,2,100.5',
      '1704153600004,1704153600004,0,0.25,100.75', // milliseconds
    ].join('\n'));
    const imp = await cli('data', 'import', '--format', 'csv', '--venue', 'TEST', '--symbol', 'ABC', '--catalog', catalog, csv);
    expect(imp.err).toBe('');
    expect(imp.out).toMatch(/3 rows/);
    const { Catalog } = await import('../data/catalog.ts');
    const { readTickFiles } = await import('../data/tick-parquet.ts');
    const files = await new Catalog(catalog).select('TEST', 'ABC', -Infinity, Infinity);
    const rows: number[][] = [];
    for await (const b of readTickFiles<import('../data/tick-batch.ts').TradeBatch>(files.trades)) {
      for (let i = 0; i < b.length; i++) rows.push([b.ts[i], b.tsLocal[i], b.price[i], b.qty[i], b.aggressor[i]]);
    }
    const t0 = Date.UTC(2024, 0, 2) * 1000; // 1704153600000000 µs, by hand
    expect(rows).toEqual([[t0, t0 + 1000, 100.25, 1.5, 1], [t0 + 2000, t0 + 3000, 100.5, 2, -1], [t0 + 4000, t0 + 4000, 100.75, 0.25, 0]]);
    for (const [cell, want] of [['0xE1', /field "price": "0xE1" is not a decimal number/], ['Infinity', /field "price": "Infinity" is not a decimal number/]] as const) {
      const bad = tmp.file(`bad-${cell}.csv`, `ts_event,ts_local,price,size,aggressor\n1704153600002000,1704153600003000,${cell},2,-1\n`);
      const r = await cli('data', 'import', '--format', 'csv', '--venue', 'TEST', '--symbol', 'BAD', '--catalog', catalog, bad);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`bad-${cell}\\.csv:2 ${want.source}`));
    }
  });

  it('an import is all or nothing: a bad row in the last file leaves no part, sidecar or temp file of the earlier ones', async () => {
    const catalog = join(tmp.dir, 'atomic');
    const good = tmp.file('good.csv', 'ts_event,ts_local,price,size,aggressor\n1704153600000000,1704153600000000,100,1,1\n1704240000000000,1704240000000000,101,1,-1\n');
    const bad = tmp.file('bad-late.csv', 'ts_event,ts_local,price,size,aggressor\n1704326400000000,1704326400000000,102,1,1\n1704326400000001,1704326400000001,-5,1,1\n');
    const r = await cli('data', 'import', '--format', 'csv', '--venue', 'V', '--symbol', 'S', '--catalog', catalog, good, bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad-late\.csv:3 field "price"/);
    const { readdirSync } = await import('node:fs');
    const left = (readdirSync(catalog, { recursive: true }) as string[]).filter((f) => /\.(parquet|json)|tmp-/.test(f));
    expect(left).toEqual([]);
    const ok = await cli('data', 'import', '--format', 'csv', '--venue', 'V', '--symbol', 'S', '--catalog', catalog, good);
    expect(ok.code).toBe(0);
    expect(JSON.parse((await cli('data', 'ls', '--catalog', catalog, '--json')).out)).toEqual([expect.objectContaining({ rows: 2, days: 2 })]);
  });

  it('--on-bad-row skip imports the good rows and counts the bad ones (the error names the flag it suggests)', async () => {
    const catalog = join(tmp.dir, 'skip');
    const file = tmp.file('mixed.csv', 'ts_event,ts_local,price,size,aggressor\n1704153600000000,1704153600000000,100,1,1\n1704153600000001,1704153600000001,NaN,1,1\n1704153600000002,1704153600000002,101,-2,1\n1704153600000003,1704153600000003,102,1,-1\n');
    const strict = await cli('data', 'import', '--format', 'csv', '--venue', 'V', '--symbol', 'S', '--catalog', catalog, file);
    expect(strict.code).toBe(1);
    expect(strict.err).toMatch(/mixed\.csv:3 field "price".*--on-bad-row skip/);
    const r = await cli('data', 'import', '--format', 'csv', '--venue', 'V', '--symbol', 'S', '--catalog', catalog, '--on-bad-row', 'skip', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/imported 2 rows/);
    expect(r.out).toMatch(/skipped 2 bad row\(s\)/); // NaN price (row 3), negative size (row 4)
    expect(r.out).toMatch(/mixed\.csv:3 field "price": "NaN" is not a decimal number.*mixed\.csv:4 field "size"/); // row numbers stay right after a skipped row
    expect((await cli('data', 'import', '--format', 'csv', '--venue', 'V', '--symbol', 'S', '--catalog', catalog, '--on-bad-row', 'ignore', file)).code).toBe(2);
  });

  it('--format nautilus imports NautilusTrader\'s trades and quotes Parquet, and a backtest replays them from the catalog', async () => {
    const t0 = 1_700_000_000_000_000_000n;
    const n = 400;
    const ns = (k: number, lag: bigint) => BigUint64Array.from({ length: n }, (_, i) => t0 + BigInt(i) * 1_000_000_000n + BigInt(k) * 1_000n + lag);
    const mid = Array.from({ length: n }, (_, i) => 100 + 2 * Math.sin(i / 15));
    const cents = (x: number) => x.toFixed(2);
    const trades = await writeNautilus(join(tmp.dir, 'trades.parquet'), 16, {
      price: rawsOf(mid.map(cents), 16), size: rawsOf(mid.map(() => '0.5'), 16), aggressor_side: Uint8Array.from({ length: n }, (_, i) => 1 + (i % 2)),
      ts_event: ns(1, 0n), ts_init: ns(1, 500n),
    }, { instrument_id: 'ABC.SIM', price_precision: '2', size_precision: '1' });
    const quotes = await writeNautilus(join(tmp.dir, 'quotes.parquet'), 16, {
      bid_price: rawsOf(mid.map((m) => cents(m - 0.01)), 16), ask_price: rawsOf(mid.map((m) => cents(m + 0.01)), 16),
      bid_size: rawsOf(mid.map(() => '10'), 16), ask_size: rawsOf(mid.map(() => '10'), 16), ts_event: ns(0, 0n), ts_init: ns(0, 500n),
    }, { instrument_id: 'ABC.SIM', price_precision: '2', size_precision: '1' });
    const catalog = join(tmp.dir, 'nautilus-catalog');
    // Trades and quotes of the same hours in one import: each kind is in time order on its own.
    const imp = await cli('data', 'import', '--format', 'nautilus', '--venue', 'SIM', '--symbol', 'ABC', '--catalog', catalog, trades, quotes);
    expect(imp.err).toBe('');
    expect(imp.out).toMatch(/imported 800 rows/);
    // The files' price precision (2) is the instrument's tick, stored with the data.
    expect(JSON.parse(readFileSync(join(catalog, 'SIM', 'ABC', 'instrument.json'), 'utf8'))).toEqual({ tickSize: 0.01 });
    const ls = JSON.parse((await cli('data', 'ls', '--catalog', catalog, '--json')).out);
    // The catalog's times are the local ones, ts_init: 500 ns after each event, rounded half up to the µs.
    expect(ls.map((r: { kind: string; rows: number; from: string }) => [r.kind, r.rows, r.from])).toEqual([['quotes', n, '2023-11-14T22:13:20.000001Z'], ['trades', n, '2023-11-14T22:13:20.000002Z']]);
    const r = await cli('backtest', '--strategy', 'trade-momentum', '--venue', 'SIM', '--symbol', 'ABC', '--catalog', catalog,
      '--param', 'fast=5', '--param', 'slow=20', '--param', 'size=1', '--cash', '100000', '--no-save', '--json');
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.events).toBe(2 * n);
    expect(j.fills.length).toBeGreaterThan(2);
    // A taker buy fills at the quoted ask, a sell at the bid: the quotes' prices read at their precision.
    for (const f of j.fills) expect([...mid.map((m) => Number(cents(m + 0.01))), ...mid.map((m) => Number(cents(m - 0.01)))]).toContain(f.price);
    const finer = await writeNautilus(join(tmp.dir, 'finer.parquet'), 8, { price: rawsOf(['1.234'], 9), size: rawsOf(['1'], 9), aggressor_side: Uint8Array.of(1),
      ts_event: BigUint64Array.of(t0), ts_init: BigUint64Array.of(t0) }, { price_precision: '3', size_precision: '0' });
    const mixed = await cli('data', 'import', '--format', 'nautilus', '--venue', 'SIM', '--symbol', 'MIX', '--catalog', catalog, trades, finer);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/the files state different ticks \(0\.01, 0\.001\)/);
    const wrong = await cli('data', 'import', '--format', 'nautilus', '--venue', 'SIM', '--symbol', 'ABC', '--catalog', catalog, join(tmp.dir, 'trades.csv'));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/--format nautilus reads NautilusTrader's Parquet files/);
  });

  it('user errors: unknown format, missing catalog data', async () => {
    const a = await cli('data', 'import', '--format', 'csvx', '--venue', 'V', '--symbol', 'S', 'x.csv');
    expect(a.code).toBe(2);
    const b = await cli('backtest', '--strategy', 'grid-mm', '--venue', 'NOPE', '--symbol', 'X', '--catalog', join(tmp.dir, 'empty'), '--no-save');
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/no data for NOPE\/X.*lockstep data import/);
  });
});

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loopbackClient } from '../../test/loopback.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { VenueEvent } from '../engine/execution-client.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { Portfolio } from '../engine/portfolio.ts';
import { wallMicros } from './live-clock.ts';
import { CcxtExecution } from './ccxt-execution.ts';
import type { CcxtTicker, CcxtTrading } from './ccxt-order.ts';
import { FeeAssets, tickerPricing, type FeePricing } from './fee-assets.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';

describe('FeeAssets: what a commission was charged in', () => {
  it('the quote (or a contract\'s settlement asset) is cash, the base is worth its price, any other asset is counted apart', () => {
    const spot = new FeeAssets('BTC/USDT');
    expect([spot.charge(0.1, 'USDT', 100, 'a'), spot.charge(0.2, undefined, 100, 'a'), spot.charge(0.001, 'BTC', 100, 'a'), spot.charge(0.5, 'BNB', 100, 'a')]).toEqual([0.1, 0.2, 0.1, 0]);
    expect([spot.base, spot.other, spot.unvalued]).toEqual([0.001, { BNB: 0.5 }, { BNB: 0.5 }]); // no pricing: nothing valued
    const linear = new FeeAssets('BTC/USDT:USDT');
    expect(linear.inCash('USDT')).toBe(true);
    // An inverse contract settles in its base: a commission in it is the base asset's, valued at the price (as before).
    const inverse = new FeeAssets('BTC/USD:BTC');
    expect([inverse.inCash('BTC'), inverse.inCash('USD'), inverse.charge(0.001, 'BTC', 50_000, 'a')]).toEqual([false, true, 50]);
  });
});

describe('FeeAssets with a price source: another asset\'s commissions valued in the quote', () => {
  /** A pricing whose reads the test answers by hand (each read's resolve / reject), and the late commissions it was asked to charge. */
  function pricing(open = true) {
    const reads: { asset: string; quote: string; resolve: (p: number) => void; reject: (e: Error) => void }[] = [];
    const charged: [string, number][] = [];
    const p: FeePricing = {
      price: (asset, quote) => new Promise<number>((resolve, reject) => { reads.push({ asset, quote, resolve, reject }); }),
      charge: (orderId, fee) => { if (open) charged.push([orderId, fee]); return open; },
    };
    const settle = () => new Promise((r) => setTimeout(r, 0));
    return { p, reads, charged, settle };
  }

  afterEach(() => vi.useRealTimers());

  it('the first commission waits for the first price and is then charged to its order; later ones are valued with their fill', async () => {
    const { p, reads, charged, settle } = pricing();
    const log = new MemoryLogger(() => 0);
    const fa = new FeeAssets('BTC/USDT', log, p);
    expect(fa.charge(0.5, 'BNB', 100, 'o1')).toBe(0); // no price yet
    expect(fa.charge(0.25, 'BNB', 100, 'o2')).toBe(0);
    expect(reads.map((r) => [r.asset, r.quote])).toEqual([['BNB', 'USDT']]); // one read for both
    expect(fa.unvalued).toEqual({ BNB: 0.75 });
    reads[0].resolve(600);
    await settle();
    // Hand check: 0.5 × 600 and 0.25 × 600 USDT, each charged to its own order.
    expect(charged).toEqual([['o1', 300], ['o2', 150]]);
    expect(fa.unvalued).toEqual({});
    expect(fa.charge(0.1, 'BNB', 100, 'o3')).toBeCloseTo(60, 12);
    expect(reads).toHaveLength(1); // the price is fresh: not read again
    expect([fa.other, fa.base]).toEqual([{ BNB: expect.closeTo(0.85, 15) }, 0]);
    expect(log.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'a commission was charged in BNB: it is valued at the exchange\'s BNB/USDT price and charged in USDT; its total is reported as feesInOtherAssets',
    ]);
  });

  it('a price older than a minute is read again while the one held still values the commissions', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { p, reads, settle } = pricing();
    const fa = new FeeAssets('ETH/USDC', null, p);
    fa.charge(1, 'BNB', 100, 'o1');
    reads[0].resolve(500);
    await settle();
    vi.setSystemTime(Date.now() + 61_000);
    expect(fa.charge(1, 'BNB', 100, 'o2')).toBe(500); // the held price, a new read under way
    expect(reads.map((r) => r.quote)).toEqual(['USDC', 'USDC']);
    reads[1].resolve(550);
    await settle();
    expect(fa.charge(1, 'BNB', 100, 'o3')).toBe(550);
  });

  it('a failed read leaves them unvalued (warned once, read again after 30 s); a closed client keeps them unvalued', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { p, reads, settle } = pricing();
    const log = new MemoryLogger(() => 0);
    const fa = new FeeAssets('BTC/USDT', log, p);
    fa.charge(0.5, 'FTT', 100, 'o1');
    reads[0].reject(new Error('binance does not have market symbol FTT/USDT'));
    await settle();
    expect(fa.charge(0.5, 'FTT', 100, 'o2')).toBe(0);
    expect(reads).toHaveLength(1); // not again within 30 s
    expect(fa.unvalued).toEqual({ FTT: 1 });
    expect(log.records.filter((r) => /no FTT\/USDT price \(binance does not have market symbol FTT\/USDT\)/.test(r.message))).toHaveLength(1);
    vi.setSystemTime(Date.now() + 31_000);
    fa.charge(0.5, 'FTT', 100, 'o3');
    expect(reads).toHaveLength(2);
    const closed = pricing(false);
    const fb = new FeeAssets('BTC/USDT', null, closed.p);
    fb.charge(0.5, 'BNB', 100, 'o1');
    closed.reads[0].resolve(600);
    await closed.settle();
    expect(fb.unvalued).toEqual({ BNB: 0.5 });
  });
});

describe('tickerPricing: an asset\'s price from the exchange\'s tickers', () => {
  const never = () => true;
  it('the spot market\'s last price, else its bid/ask midpoint; a futures client\'s linear contract when it lists no spot market', async () => {
    const asked: string[] = [];
    const tickers: Record<string, CcxtTicker> = { 'BNB/USDT': { last: 600 }, 'ETH/USDT': { bid: 3000, ask: 3001 }, 'SOL/USDT:USDT': { last: 150 } };
    const fetchTicker = async (symbol: string) => {
      asked.push(symbol);
      const t = tickers[symbol];
      if (t === undefined) throw new Error(`binance does not have market symbol ${symbol}`);
      return t;
    };
    const p = tickerPricing(fetchTicker, never);
    expect(await p.price('BNB', 'USDT')).toBe(600);
    expect(await p.price('ETH', 'USDT')).toBe(3000.5);
    expect(await p.price('SOL', 'USDT')).toBe(150);
    // Neither market: the spot market's error, which names what was asked.
    await expect(p.price('FTT', 'USDT')).rejects.toThrow('binance does not have market symbol FTT/USDT');
    expect(asked).toEqual(['BNB/USDT', 'ETH/USDT', 'SOL/USDT', 'SOL/USDT:USDT', 'FTT/USDT', 'FTT/USDT:USDT']);
  });
});

describe('a live client whose exchange charges commissions in BNB (the loopback with feeAsset)', () => {
  const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
  const ex = new LoopbackExchange({
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]),
    balances: { USDT: 100_000, BTC: 1, BNB: 1 }, takerFee: 0.001, feeAsset: { asset: 'BNB', price: 600 },
  });
  afterAll(async () => ex.close());

  it('the BNB is valued at the exchange\'s BNB/USDT price and charged to each order, counted by asset, and taken from the BNB balance', async () => {
    const t = wallMicros();
    ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: 1, price: 100, qty: 5, isSnapshot: true, clear: true, last: false });
    ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: -1, price: 100.1, qty: 5, isSnapshot: true, clear: false, last: true });
    const c = await loopbackClient(await ex.listen(), { apiKey: 'k', secret: 's' });
    const events: VenueEvent[] = [];
    const log = new MemoryLogger(() => 0);
    const exec = new CcxtExecution(c as unknown as CcxtTrading, 'BTC/USDT', instrument, log, { pollMillis: 20 });
    exec.bind({ onVenueEvent: (e) => events.push(e) }, new Portfolio([instrument], 0));
    const feeOf = (id: string) => events.reduce((s, e) => s + ((e.kind === 'fill' || e.kind === 'fee') && e.orderId === id ? e.fee : 0), 0);
    try {
      for (const id of ['bnb-1', 'bnb-2']) {
        exec.submit({ id, instrumentId: instrument.id, side: 'buy', type: 'market', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 0.01, price: Number.NaN, stopPrice: Number.NaN, createdTs: 0 });
      }
      const done = () => events.filter((e) => e.kind === 'fill').length === 2 && feeOf('bnb-1') > 0 && feeOf('bnb-2') > 0;
      for (const end = Date.now() + 10_000; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
      await exec.settle(2000);
      const fills = events.filter((e) => e.kind === 'fill');
      expect(fills.map((e) => e.kind === 'fill' && [e.price, e.qty])).toEqual([[100.1, 0.01], [100.1, 0.01]]);
      // Hand check: 0.01 × 100.1 × 0.1 % = 0.001001 USDT a fill, 0.00000167 BNB at 600 (8 decimals), twice;
      // valued at the loopback's BNB/USDT price of 600: 0.001002 USDT an order (with its fill, or after it once the price is read).
      expect([feeOf('bnb-1'), feeOf('bnb-2')]).toEqual([expect.closeTo(0.001002, 12), expect.closeTo(0.001002, 12)]);
      expect(exec.chargedFees.other).toEqual({ BNB: expect.closeTo(0.00000334, 12) });
      expect(exec.chargedFees.unvalued).toEqual({});
      expect(exec.chargedFees.base).toBe(0);
      expect(log.records.filter((r) => r.level === 'warn' && /charged in BNB: it is valued at the exchange's BNB\/USDT price/.test(r.message))).toHaveLength(1);
      const bal = ex.spot.balance('k', 'BNB');
      expect(bal.free).toBeCloseTo(1 - 0.00000334, 12);
      expect(ex.spot.balance('k', 'USDT').free).toBeCloseTo(100_000 - 2 * 1.001, 9); // no commission out of the quote
    } finally {
      await exec.close();
      await c.close();
    }
  }, 30_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { loopbackClient } from '../../test/loopback.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { VenueEvent } from '../engine/execution-client.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { Portfolio } from '../engine/portfolio.ts';
import { wallMicros } from './live-clock.ts';
import { CcxtExecution } from './ccxt-execution.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import { FeeAssets } from './fee-assets.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';

describe('FeeAssets: what a commission was charged in', () => {
  it('the quote (or a contract\'s settlement asset) is cash, the base is worth its price, any other asset is counted apart', () => {
    const spot = new FeeAssets('BTC/USDT');
    expect([spot.charge(0.1, 'USDT', 100), spot.charge(0.2, undefined, 100), spot.charge(0.001, 'BTC', 100), spot.charge(0.5, 'BNB', 100)]).toEqual([0.1, 0.2, 0.1, 0]);
    expect([spot.base, spot.other]).toEqual([0.001, { BNB: 0.5 }]);
    const linear = new FeeAssets('BTC/USDT:USDT');
    expect(linear.inCash('USDT')).toBe(true);
    // An inverse contract settles in its base: a commission in it is the base asset's, valued at the price (as before).
    const inverse = new FeeAssets('BTC/USD:BTC');
    expect([inverse.inCash('BTC'), inverse.inCash('USD'), inverse.charge(0.001, 'BTC', 50_000)]).toEqual([false, true, 50]);
  });
});

describe('a live client whose exchange charges commissions in BNB (the loopback with feeAsset)', () => {
  const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
  const ex = new LoopbackExchange({
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]),
    balances: { USDT: 100_000, BTC: 1, BNB: 1 }, takerFee: 0.001, feeAsset: { asset: 'BNB', price: 600 },
  });
  afterAll(async () => ex.close());

  it('the fill carries no quote fee, the BNB is counted and warned of once, and the exchange took it from the BNB balance', async () => {
    const t = wallMicros();
    ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: 1, price: 100, qty: 5, isSnapshot: true, clear: true, last: false });
    ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: -1, price: 100.1, qty: 5, isSnapshot: true, clear: false, last: true });
    const c = await loopbackClient(await ex.listen(), { apiKey: 'k', secret: 's' });
    const events: VenueEvent[] = [];
    const log = new MemoryLogger(() => 0);
    const exec = new CcxtExecution(c as unknown as CcxtTrading, 'BTC/USDT', instrument, log, { pollMillis: 20 });
    exec.bind({ onVenueEvent: (e) => events.push(e) }, new Portfolio([instrument], 0));
    try {
      for (const id of ['bnb-1', 'bnb-2']) {
        exec.submit({ id, instrumentId: instrument.id, side: 'buy', type: 'market', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 0.01, price: Number.NaN, stopPrice: Number.NaN, createdTs: 0 });
      }
      for (const end = Date.now() + 10_000; events.filter((e) => e.kind === 'fill').length < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
      await exec.settle(2000);
      const fills = events.filter((e) => e.kind === 'fill');
      expect(fills.map((e) => e.kind === 'fill' && [e.price, e.qty, e.fee])).toEqual([[100.1, 0.01, 0], [100.1, 0.01, 0]]);
      expect(events.filter((e) => e.kind === 'fee')).toEqual([]);
      // Hand check: 0.01 × 100.1 × 0.1 % = 0.001001 USDT a fill, 0.00000167 BNB at 600 (8 decimals), twice.
      expect(exec.feesInOtherAssets).toEqual({ BNB: expect.closeTo(0.00000334, 12) });
      expect(exec.baseFees).toBe(0);
      expect(log.records.filter((r) => r.level === 'warn' && /charged in BNB/.test(r.message))).toHaveLength(1);
      const bal = ex.spot.balance('k', 'BNB');
      expect(bal.free).toBeCloseTo(1 - 0.00000334, 12);
      expect(ex.spot.balance('k', 'USDT').free).toBeCloseTo(100_000 - 2 * 1.001, 9); // no commission out of the quote
    } finally {
      await exec.close();
      await c.close();
    }
  }, 30_000);
});

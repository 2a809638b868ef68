import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookDeltaView } from '../../core/events.ts';
import { LoopbackExchange } from './loopback-exchange.ts';

const KEYS = new Map([['test-key', 'test-secret']]);
let ex: LoopbackExchange;
let base: string;

function client(secret = 'test-secret') {
  const c = new ccxt.binance({ apiKey: 'test-key', secret, enableRateLimit: false, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  const api = c.urls.api as Record<string, string>;
  api.public = `${base}/api/v3`;
  api.private = `${base}/api/v3`;
  return c;
}

const delta = (ts: number, side: 1 | -1, price: number, qty: number, last = false, clear = false): BookDeltaView =>
  ({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts, tsLocal: ts, side, price, qty, isSnapshot: clear, clear, last });

beforeAll(async () => {
  ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.0001, keys: KEYS, balances: { USDT: 100_000, BTC: 1 } });
  const t = 1.7e15;
  ex.onDelta(delta(t, 1, 20000, 1, false, true));
  ex.onDelta(delta(t, 1, 19999, 2));
  ex.onDelta(delta(t, -1, 20001, 1));
  ex.onDelta(delta(t, -1, 20002, 2, true));
  base = await ex.listen();
});
afterAll(async () => ex?.close());

describe('loopback exchange through the real ccxt Binance client', () => {
  it('markets, order book and ticker', async () => {
    const c = client();
    const markets = await c.loadMarkets();
    expect(markets['BTC/USDT']!.precision.price).toBe(0.01);
    const ob = await c.fetchOrderBook('BTC/USDT');
    expect(ob.bids[0]).toEqual([20000, 1]);
    expect(ob.asks[1]).toEqual([20002, 2]);
    const ticker = await c.fetchTicker('BTC/USDT');
    expect([ticker.bid, ticker.ask]).toEqual([20000, 20001]);
    // A market it does not serve is refused as Binance does (no commission asset configured: no BNBUSDT either).
    for (const symbol of ['ETHUSDT', 'BNBUSDT']) {
      const r = await fetch(`${base}/api/v3/ticker/24hr?symbol=${symbol}`);
      expect([r.status, await r.json()]).toEqual([400, { code: -1121, msg: 'Invalid symbol.' }]);
    }
  });

  it('limit order rests, market order walks the book, balances follow, cancel works', async () => {
    const c = client();
    await c.loadMarkets();
    const resting = await c.createOrder('BTC/USDT', 'limit', 'buy', 0.5, 19999);
    expect(resting.status).toBe('open');
    expect((await c.fetchOpenOrders('BTC/USDT')).map((o) => o.id)).toEqual([resting.id]);
    const mkt = await c.createOrder('BTC/USDT', 'market', 'buy', 1.5);
    expect(mkt.status).toBe('closed');
    expect(mkt.filled).toBe(1.5);
    // 1 @ 20001 + 0.5 @ 20002 = 30,002 quote; average 20,001.333…
    expect(mkt.cost).toBeCloseTo(30_002, 6);
    const bal = await c.fetchBalance();
    expect(bal.BTC.total).toBeCloseTo(2.5, 9);
    // 100,000 − 30,002 − 0.1% taker fee (30.002); 0.5 × 19,999 locked for the resting bid
    expect(bal.USDT.total).toBeCloseTo(100_000 - 30_002 - 30.002, 6);
    expect(bal.USDT.used).toBeCloseTo(0.5 * 19_999, 6);
    const cancelled = await c.cancelOrder(String(resting.id), 'BTC/USDT');
    expect(cancelled.status).toBe('canceled');
    expect((await c.fetchBalance()).USDT.used).toBeCloseTo(0, 9);
    expect(await c.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
  });

  it('a resting order fills when the replayed market trades through it', async () => {
    const c = client();
    await c.loadMarkets();
    const o = await c.createOrder('BTC/USDT', 'limit', 'sell', 0.25, 20005);
    ex.onTrade({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: 1.7e15 + 1000, tsLocal: 1.7e15 + 1000, price: 20006, qty: 1, aggressor: 1 });
    const after = await c.fetchOrder(String(o.id), 'BTC/USDT');
    expect(after.status).toBe('closed');
    expect(after.filled).toBe(0.25);
  });

  it('editOrder replaces a resting order (cancel-replace: new id, new price, funds re-reserved)', async () => {
    const c = client();
    await c.loadMarkets();
    const first = await c.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 19990);
    const edited = await c.editOrder(String(first.id), 'BTC/USDT', 'limit', 'buy', 0.2, 19980);
    expect(edited.id).not.toBe(first.id);
    expect(edited.price).toBe(19980);
    expect(edited.amount).toBe(0.2);
    expect((await c.fetchOrder(String(first.id), 'BTC/USDT')).status).toBe('canceled');
    const open = await c.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.id)).toContain(edited.id);
    expect((await c.fetchBalance()).USDT.used).toBeCloseTo(0.2 * 19_980, 6);
    await c.cancelOrder(String(edited.id), 'BTC/USDT');
  });

  it('a bad signature or an unknown key is refused', async () => {
    await expect(client('wrong-secret').fetchBalance()).rejects.toThrow(/Signature for this request is not valid/);
    const c = client();
    c.apiKey = 'nobody';
    await expect(c.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
  });

  it('behaves as Binance spot: LIMIT_MAKER refused when it would take, filters, IOC rest EXPIRED, cancel of a filled order -2011, cancel-all', async () => {
    const c = client();
    await c.loadMarkets();
    // Book here: bids 20000 (1) / 19999 (2), asks 20001 (1) / 20002 (2), after the trades above.
    await expect(c.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 20001, { postOnly: true })).rejects.toThrow(ccxt.OrderImmediatelyFillable);
    const maker = await c.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 19995, { postOnly: true });
    expect(maker.info.type).toBe('LIMIT_MAKER');
    // ccxt rounds to the market precision itself; a raw request off the grid meets the exchange's filters.
    await expect(c.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.1', price: '19990.005' })).rejects.toThrow(/PRICE_FILTER/);
    await expect(c.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.00015', price: '19990' })).rejects.toThrow(/LOT_SIZE/);
    const ioc = await c.createOrder('BTC/USDT', 'limit', 'buy', 2, 20001, { timeInForce: 'IOC' });
    expect(ioc.status).toBe('expired');
    expect(ioc.filled).toBe(1); // the one at 20001; the rest expires
    await expect(c.cancelOrder(String(ioc.id), 'BTC/USDT')).rejects.toThrow(ccxt.OrderNotFound); // -2011 Unknown order sent.
    await c.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 19990);
    const cancelled = await c.cancelAllOrders('BTC/USDT');
    expect(cancelled.length).toBe(2);
    expect(await c.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
    expect((await c.fetchBalance()).USDT.used).toBeCloseTo(0, 9);
  });

  it('STOP_LOSS_LIMIT waits for its trigger (refused when it would trigger at once), then works as a limit', async () => {
    const c = client();
    await c.loadMarkets();
    // The last trade was 20006: a sell stop at or above it would trigger at once.
    await expect(c.createOrder('BTC/USDT', 'limit', 'sell', 0.1, 20005, { triggerPrice: 20007 })).rejects.toThrow(ccxt.OrderImmediatelyFillable);
    const stop = await c.createOrder('BTC/USDT', 'limit', 'sell', 0.1, 19990, { triggerPrice: 19995 });
    expect(stop.info).toMatchObject({ type: 'STOP_LOSS_LIMIT', isWorking: false });
    expect(stop.triggerPrice).toBe(19995);
    ex.onTrade({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: 1.7e15 + 2000, tsLocal: 1.7e15 + 2000, price: 19996, qty: 1, aggressor: -1 });
    expect((await c.fetchOrder(String(stop.id), 'BTC/USDT')).info.isWorking).toBe(false);
    ex.onTrade({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: 1.7e15 + 3000, tsLocal: 1.7e15 + 3000, price: 19995, qty: 1, aggressor: -1 });
    const after = await c.fetchOrder(String(stop.id), 'BTC/USDT');
    // Triggered: a limit sell at 19990 against bids at 20000 and 19999 fills at once.
    expect(after.status).toBe('closed');
    expect(after.average).toBe(20000);
  });
  it("myTrades lists an order's executions as the FULL order response does, with the same trade ids, maker flag and commission", async () => {
    const c = client();
    await c.loadMarkets();
    const o = await c.createOrder('BTC/USDT', 'limit', 'sell', 0.5, 20010);
    ex.onTrade({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: 1.7e15 + 2000, tsLocal: 1.7e15 + 2000, price: 20011, qty: 1, aggressor: 1 }); // through it: fills
    const m = await c.createOrder('BTC/USDT', 'market', 'buy', 0.1); // takes the best ask at once
    const mine = await c.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: o.id });
    expect(mine.map((t) => [t.order, t.amount, t.price, t.takerOrMaker, t.side])).toEqual([[o.id, 0.5, 20010, 'maker', 'sell']]);
    const taken = await c.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: m.id });
    expect(taken.map((t) => t.id)).toEqual(m.trades.map((t) => t.id)); // the FULL response's fills, same ids
    expect(taken.map((t) => t.takerOrMaker)).toEqual(taken.map(() => 'taker'));
    // Hand check: the loopback charges 0.1 % of the notional.
    for (const t of [...mine, ...taken]) expect(t.fee!.cost).toBeCloseTo(t.amount! * t.price! * 0.001, 9);
    expect(new Set([...mine, ...taken].map((t) => t.id)).size).toBe(mine.length + taken.length);
  });

});

import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookDeltaView } from '../../core/events.ts';
import type { LoopbackExchange } from './loopback-exchange.ts';
import { bookedLoopback } from '../../../test/loopback.ts';
import { pointCcxtAt } from '../ccxt-base-url.ts';

let ex: LoopbackExchange;
let base: string;
let t = 1.7e15;

const delta = (side: 1 | -1, price: number, qty: number, last = false, clear = false): BookDeltaView =>
  ({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: t, tsLocal: t, side, price, qty, isSnapshot: clear, clear, last });

async function pro() {
  const c = new ccxt.pro.binance({ enableRateLimit: false, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  await pointCcxtAt(c, base);
  return c;
}

type Book = { bids: number[][]; asks: number[][] };

/** Watches until the book satisfies `pred`, nudging the exchange with no-op updates (each watch resolves on an update). */
async function watchUntil(c: Awaited<ReturnType<typeof pro>>, pred: (b: Book) => boolean): Promise<Book> {
  for (let k = 0; k < 50; k++) {
    const w = c.watchOrderBook('BTC/USDT').then((b) => b as unknown as Book, () => null);
    await new Promise((r) => setTimeout(r, 30));
    t += 10;
    const top = ex.streams && ex.book().bestBid();
    ex.onDelta(delta(1, top as number, ex.book().depthAt(1, top as number), true)); // re-states the best bid
    const b = await w;
    if (b && pred(b)) return b;
  }
  throw new Error('book never reached the expected state');
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  ({ ex, base } = await bookedLoopback());
});
afterAll(async () => ex?.close());

describe('loopback market streams through ccxt.pro', () => {
  it('watchOrderBook: REST snapshot + diff stream; a dropped socket reconnects and the book resynchronizes; a gap re-snapshots', async () => {
    const c = await pro();
    await c.loadMarkets();
    const first = c.watchOrderBook('BTC/USDT');
    await until(() => ex.streams!.subscribed('btcusdt@depth@100ms'));
    t += 1000;
    ex.onDelta(delta(1, 20000.5, 2, true));
    await first;
    // The first book may be the REST snapshot alone, from before the diff arrived: watch until the diff shows.
    let ob: Book = await watchUntil(c, (b) => b.bids[0]?.[0] === 20000.5);
    const snaps0 = ex.depthSnapshots;
    expect(ob.bids[0]).toEqual([20000.5, 2]);
    expect(ob.asks[0]).toEqual([20001, 1]);
    // drop every socket: watching again reconnects, re-subscribes and re-snapshots
    ex.streams!.dropAll();
    await new Promise((r) => setTimeout(r, 50));
    t += 1000;
    ex.onDelta(delta(-1, 20001, 0, false));
    ex.onDelta(delta(-1, 20002, 3, true)); // happens while the client is disconnected
    ob = await watchUntil(c, (b) => b.asks[0]?.[0] === 20002);
    expect(ob.asks[0]).toEqual([20002, 3]);
    expect(ex.depthSnapshots).toBeGreaterThan(snaps0); // a new REST snapshot after the reconnect
    const snaps1 = ex.depthSnapshots;
    // a sequence gap (an update id skipped): the client notices and re-snapshots
    ex.skipNextUpdateId = true;
    t += 1000;
    ex.onDelta(delta(1, 19999, 4, true));
    ob = await watchUntil(c, (b) => b.bids.some((l) => l[0] === 19999));
    expect(ob.bids.find((l) => l[0] === 19999)).toEqual([19999, 4]);
    expect(ex.depthSnapshots).toBeGreaterThan(snaps1); // the gap forced a re-snapshot
    await c.close();
  }, 30_000);

  it('watchOrders: the user-data stream (WebSocket API, signed subscription) reports new and cancelled orders', async () => {
    const c = await pro();
    c.apiKey = 'k';
    c.secret = 's';
    await c.loadMarkets();
    ex.onDelta(delta(1, 20000, 1, false, true));
    ex.onDelta(delta(-1, 20001, 1, true));
    const w = c.watchOrders('BTC/USDT');
    await new Promise((r) => setTimeout(r, 300)); // subscription confirmed
    const placed = await c.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 19000);
    const seen = await w;
    expect(seen.at(-1)!.id).toBe(placed.id);
    expect(seen.at(-1)!.status).toBe('open');
    const w2 = c.watchOrders('BTC/USDT');
    await c.cancelOrder(String(placed.id), 'BTC/USDT');
    const after = await w2;
    expect(after.at(-1)!.status).toBe('canceled');
    await c.close();
  }, 30_000);

  it('watchTrades', async () => {
    const c = await pro();
    await c.loadMarkets();
    const w = c.watchTrades('BTC/USDT');
    await until(() => ex.streams!.subscribed('btcusdt@trade'));
    ex.onTrade({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: t, tsLocal: t, price: 20001, qty: 0.5, aggressor: 1 });
    const trades = await w;
    expect(trades.at(-1)!.price).toBe(20001);
    expect(trades.at(-1)!.side).toBe('buy');
    await c.close();
  }, 30_000);
});

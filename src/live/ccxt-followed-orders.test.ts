import { describe, expect, it } from 'vitest';
import type { OrderSnapshot } from '../core/order.ts';
import type { VenueEvent } from '../engine/execution-client.ts';
import { currentLeg, FollowedOrders, newLeg, type Tracked } from './ccxt-followed-orders.ts';
import { FeeAssets } from './fee-assets.ts';

const snap = (id: string, o: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  id, instrumentId: 'BTCUSDT.BINANCE', side: 'buy', type: 'limit', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 1, price: 100, stopPrice: Number.NaN, createdTs: 0, ...o,
});

/** Followed orders whose events are collected; `order` follows a new one acknowledged as `ex-<id>`. */
function followed() {
  const events: VenueEvent[] = [];
  const orders = new FollowedOrders((e) => events.push(e), new FeeAssets('BTC/USDT'));
  const order = (id: string, o: Partial<OrderSnapshot> = {}, acknowledged = true): Tracked => {
    const t: Tracked = { id, snap: snap(id, o), legs: [newLeg(id)], acked: acknowledged, triggered: false, cancelWanted: false, replacing: false, done: false };
    orders.follow(t);
    if (acknowledged) orders.atExchange(t, currentLeg(t), `ex-${id}`);
    return t;
  };
  return { orders, events, order };
}

describe('FollowedOrders: exchange reports as venue events', () => {
  it('fees charged in the base asset are summed as quantity (what the holding lacks of the fills), each once; quote fees are not', () => {
    const { orders, order } = followed();
    const a = order('a');
    const b = order('b');
    orders.apply(a, currentLeg(a), { id: 'ex-a', status: 'open', filled: 0.4, cost: 40, fee: { cost: 0.0004, currency: 'BTC' } });
    orders.apply(a, currentLeg(a), { id: 'ex-a', status: 'open', filled: 0.4, cost: 40, fee: { cost: 0.0004, currency: 'BTC' } }); // the same report again
    orders.apply(a, currentLeg(a), { id: 'ex-a', status: 'closed', filled: 1, cost: 100, fee: { cost: 0.001, currency: 'BTC' } });
    orders.apply(b, currentLeg(b), { id: 'ex-b', status: 'closed', filled: 1, cost: 100, fee: { cost: 0.1, currency: 'USDT' } });
    // Hand check: a's cumulative base fee ends at 0.001 BTC (0.0004 then 0.0006 more); b's is charged in USDT.
    expect(orders.assets.base).toBeCloseTo(0.001, 15);
  });

  it('a cumulative fee in a third asset (BNB) is counted by asset, its new part once per report, and not charged to the quote cash', () => {
    const { orders, events, order } = followed();
    const t = order('e');
    const leg = currentLeg(t);
    orders.apply(t, leg, { id: 'ex-e', status: 'open', filled: 0.4, cost: 40, fee: { cost: 0.00005, currency: 'BNB' }, type: 'limit' });
    orders.apply(t, leg, { id: 'ex-e', status: 'open', filled: 0.4, cost: 40, fee: { cost: 0.00005, currency: 'BNB' }, type: 'limit' }); // the same report again
    orders.apply(t, leg, { id: 'ex-e', status: 'closed', filled: 1, cost: 100, fee: { cost: 0.000125, currency: 'BNB' }, type: 'limit' });
    // Hand check: 0.00005 BNB, then 0.000075 more; the fills carry no quote fee.
    expect(events.filter((e) => e.kind === 'fill').map((e) => e.kind === 'fill' && e.fee)).toEqual([0, 0]);
    expect(orders.assets.other).toEqual({ BNB: expect.closeTo(0.000125, 15) });
    expect(orders.assets.base).toBe(0);
  });

  it('cumulative reports give each fill once, priced from the cost added since the last one', () => {
    const { orders, events, order } = followed();
    const t = order('a');
    const leg = currentLeg(t);
    orders.apply(t, leg, { id: 'ex-a', status: 'open', filled: 0.4, cost: 40, type: 'limit' });
    orders.apply(t, leg, { id: 'ex-a', status: 'open', filled: 0.4, cost: 40, type: 'limit' }); // the same state again (stream, then poll)
    orders.apply(t, leg, { id: 'ex-a', status: 'closed', filled: 1, cost: 99.4, type: 'limit' });
    // Hand check: 0.4 at 40 / 0.4 = 100, then 0.6 at (99.4 − 40) / 0.6 = 99.
    expect(events).toEqual([
      { kind: 'fill', orderId: 'a', price: 100, qty: 0.4, fee: 0, liquidity: 'maker' },
      { kind: 'fill', orderId: 'a', price: expect.closeTo(99, 12), qty: expect.closeTo(0.6, 12), fee: 0, liquidity: 'maker' },
    ]);
    // The last fill completed it: ended with no event of its own, no longer followed.
    expect(t.done).toBe(true);
    expect(orders.get('a')).toBeUndefined();
    expect(orders.find({ id: 'ex-a' })).toBeUndefined();
  });

  it('a fee charged in the base currency is counted in quote at the fill price, and only its new part each time', () => {
    const { orders, events, order } = followed();
    const t = order('b', { side: 'sell', type: 'market', price: Number.NaN });
    const leg = currentLeg(t);
    orders.apply(t, leg, { id: 'ex-b', status: 'open', filled: 0.5, average: 200, fee: { cost: 0.0005, currency: 'BTC' }, type: 'market' });
    orders.apply(t, leg, { id: 'ex-b', status: 'closed', filled: 1, cost: 201, fee: { cost: 0.3, currency: 'USDT' }, type: 'market' });
    // Hand check: 0.0005 BTC × 200 = 0.1 USDT; then the cumulative 0.3 USDT − 0.1 already reported = 0.2, price (201 − 100) / 0.5 = 202.
    expect(events.map((e) => e.kind === 'fill' && [e.price, e.qty, e.fee, e.liquidity])).toEqual([[200, 0.5, 0.1, 'taker'], [202, 0.5, expect.closeTo(0.2, 12), 'taker']]);
  });

  it('a stop reports its trigger once (the exchange says it works, or it fills)', () => {
    const { orders, events, order } = followed();
    const t = order('c', { type: 'stop', price: Number.NaN, stopPrice: 90 });
    const leg = currentLeg(t);
    orders.apply(t, leg, { id: 'ex-c', status: 'open', filled: 0 });
    expect(events).toEqual([]);
    orders.apply(t, leg, { id: 'ex-c', status: 'open', filled: 0, info: { isWorking: true } });
    orders.apply(t, leg, { id: 'ex-c', status: 'open', filled: 0, info: { w: true } });
    expect(events).toEqual([{ kind: 'triggered', orderId: 'c' }]);
  });

  it('an order that ends unfilled or part-filled ends as its exchange order did', () => {
    const { orders, events, order } = followed();
    for (const [id, status, kind] of [['d1', 'canceled', 'cancelled'], ['d2', 'expired', 'expired'], ['d3', 'rejected', 'rejected']] as const) {
      const t = order(id);
      orders.apply(t, currentLeg(t), { id: `ex-${id}`, status, filled: id === 'd1' ? 0.25 : 0, cost: 25 });
      expect(events.at(-1)).toEqual({ kind, orderId: id, reason: kind === 'cancelled' ? 'cancelled' : status });
      expect(t.done).toBe(true);
    }
    expect(events.filter((e) => e.kind === 'fill')).toEqual([{ kind: 'fill', orderId: 'd1', price: 100, qty: 0.25, fee: 0, liquidity: 'maker' }]);
    expect(orders.open()).toEqual([]);
  });

  it('while a replace cancels the current exchange order, its end is not the order\'s end', () => {
    const { orders, events, order } = followed();
    const t = order('e');
    t.replacing = true;
    orders.apply(t, currentLeg(t), { id: 'ex-e', status: 'canceled', filled: 0 });
    expect(events).toEqual([]);
    expect(t.done).toBe(false);
    expect(orders.open()).toEqual([t]);
    // The ended leg is no longer polled; a report naming it is not matched by exchange id any more.
    expect(orders.legsAtExchange()).toEqual([]);
    expect(orders.find({ id: 'ex-e' })).toBeUndefined();
  });

  it('a report is matched by exchange id, else by client id, and only once the exchange acknowledged the order', () => {
    const { orders, order } = followed();
    const acked = order('f');
    const waiting = order('g', {}, false);
    expect(orders.find({ id: 'ex-f' })?.[0]).toBe(acked);
    expect(orders.find({ id: 'unknown', clientOrderId: 'f' })?.[0]).toBe(acked);
    expect(orders.find({ id: 'ex-g', clientOrderId: 'g' })).toBeUndefined(); // not acknowledged: its id is not known yet
    expect(orders.legsAtExchange().map(([t]) => t.id)).toEqual(['f']);
    orders.atExchange(waiting, currentLeg(waiting), 'ex-g');
    expect(orders.find({ id: 'ex-g' })?.[0]).toBe(waiting);
    orders.forgetClientId('f');
    expect(orders.find({ id: 'unknown', clientOrderId: 'f' })).toBeUndefined();
    expect(orders.find({ id: 'ex-f' })?.[0]).toBe(acked);
  });
});

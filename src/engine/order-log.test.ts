import { describe, expect, it } from 'vitest';
import { EmulatedFeature, OrderStatus, OrderType, TimeInForce, type Order } from '../core/order.ts';
import { createRng } from '../core/rng.ts';
import { OrderLog, ordersAsColumns } from './order-log.ts';
import { liveArrayBufferBytes, liveLargeObjectBytes } from '../../test/heap-spaces.ts';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** `n` orders with every field drawn independently of the log. */
function randomOrders(n: number, seed: number): Order[] {
  const rng = createRng(seed);
  const r = () => rng.next();
  return Array.from({ length: n }, (_, k) => ({
    id: `o-${k}`, instrumentId: pick(r, ['BTC.X', 'ÉTH.Y']), side: pick(r, ['buy', 'sell'] as const), type: pick(r, Object.values(OrderType)),
    tif: pick(r, Object.values(TimeInForce)), postOnly: r() < 0.5, reduceOnly: r() < 0.5,
    qty: r() * 9, price: r() < 0.2 ? Number.NaN : 100 + r() * 1e-3, stopPrice: r() < 0.7 ? Number.NaN : 99 + r(),
    status: pick(r, Object.values(OrderStatus)), filledQty: r() * 3, avgFillPrice: r() < 0.3 ? Number.NaN : 100 + r(), fees: (r() - 0.3) * 1e-4,
    createdTs: 1_700_000_000_000_000 + k, updatedTs: 1_700_000_000_000_000 + 2 * k,
    reason: r() < 0.5 ? undefined : pick(r, ['too-late', 'cancelled by the strategy', `why ${k % 7}`]), tag: r() < 0.5 ? undefined : `t${k % 3}`,
    emulated: r() < 0.9 ? [] : [EmulatedFeature.day, EmulatedFeature.reduceOnly],
  }));
}

describe('OrderLog (a run\'s orders; ended ones as columns)', () => {
  it('gives back every ended order field for field, across its 8,192-row blocks, and open ones as their live objects', () => {
    const orders = randomOrders(140_000, 11);
    const log = new OrderLog();
    for (const o of orders) log.add(o);
    const copies = orders.map((o) => ({ ...o }));
    for (let k = 0; k < orders.length; k++) if (k % 5 !== 0) log.end(k);
    const back = log.toArray();
    expect(back).toEqual(copies);
    for (let k = 0; k < orders.length; k += 5) expect(back[k]).toBe(orders[k]);
    expect(back[65_536]).not.toBe(orders[65_536]);
    for (const k of [8_191, 8_192, 16_384, 139_999]) if (k % 5 !== 0) expect(log.at(k)).toEqual(copies[k]);
    expect(log.find('o-65537')).toEqual(copies[65_537]);
    expect(log.find('o-x')).toBeUndefined();
  });

  it('keeps an ended order as it was when it ended, whatever happens to the object after', () => {
    const [o] = randomOrders(1, 2);
    const log = new OrderLog();
    log.end(log.add(o));
    const was = { ...o };
    o.qty += 1;
    o.status = OrderStatus.filled;
    expect(log.at(0)).toEqual(was);
  });

  it('hands the ended orders over in submission order and renumbers the open ones', () => {
    const orders = randomOrders(10, 3);
    const log = new OrderLog();
    for (const o of orders) log.add(o);
    for (const k of [0, 2, 3, 7]) log.end(k);
    const moved: [string, number][] = [];
    const ended = log.takeEnded((o, row) => moved.push([o.id, row]));
    expect(ended.id).toEqual(['o-0', 'o-2', 'o-3', 'o-7']);
    expect(ended).toEqual(ordersAsColumns([0, 2, 3, 7].map((k) => orders[k]))); // from the columns, as from the objects
    expect(moved).toEqual([['o-1', 0], ['o-4', 1], ['o-5', 2], ['o-6', 3], ['o-8', 4], ['o-9', 5]]);
    log.end(1); // o-4 ends after the hand-over, in its new row
    expect(log.toArray().map((o) => o.id)).toEqual(['o-1', 'o-4', 'o-5', 'o-6', 'o-8', 'o-9']);
    expect(log.at(1)).toEqual(orders[4]);
    expect(log.at(1)).not.toBe(orders[4]);
  });
  it('holds no per-order reference array: 300k orders add no large object (two of ~2.4 MB with arrays of ids and live orders)', () => {
    const [o] = randomOrders(1, 5);
    const ids = Array.from({ length: 64 }, (_, k) => `o-${k}`);
    const before = liveLargeObjectBytes();
    const log = new OrderLog();
    for (let k = 0; k < 300_000; k++) log.end(log.add({ ...o, id: ids[k & 63], createdTs: k }));
    expect(liveLargeObjectBytes() - before).toBeLessThan(128 * 1024);
    expect(log.at(299_999)).toEqual({ ...o, id: 'o-31', createdTs: 299_999 });
  });
  it('a short log takes one block of memory, not a long log\'s: 100 ended orders hold under 1 MB of columns (~80 bytes a row, 8,192 rows)', () => {
    const [o] = randomOrders(1, 6);
    const before = liveArrayBufferBytes();
    const log = new OrderLog();
    for (let k = 0; k < 100; k++) log.end(log.add({ ...o, id: `s-${k}` }));
    expect(liveArrayBufferBytes() - before).toBeLessThan(1 << 20);
    expect(log.at(99)).toEqual({ ...o, id: 's-99' });
  });
});

import { describe, expect, it } from 'vitest';
import { compareSessions, type ParityFill, type ParityOrder } from './parity.ts';

const o = (id: string, side: string, price: number, qty = 1): ParityOrder => ({ id, side, type: 'limit', price, qty, filledQty: 0 });
const f = (orderId: string, price: number, qty = 1, fee = 0): ParityFill => ({ orderId, price, qty, fee });

describe('compareSessions', () => {
  it('identical sessions: no differences', () => {
    const s = { orders: [o('a', 'buy', 10), o('b', 'sell', 11)], fills: [f('a', 10)] };
    const r = compareSessions(s, { orders: [o('x', 'buy', 10), o('y', 'sell', 11)], fills: [f('x', 10)] });
    expect(r.differences).toEqual([]);
    expect(r.matchedOrders).toBe(2);
  });
  it('attributes signal, fill, fee and latency differences', () => {
    const live = { orders: [o('a', 'buy', 10), o('b', 'buy', 9), o('c', 'sell', 11), o('d', 'sell', 12), o('e', 'buy', 8)], fills: [f('a', 10), f('b', 9, 1, 0.1), f('c', 11, 0.5), f('c', 11, 0.5)] };
    const replay = { orders: [o('a', 'buy', 10), o('b', 'buy', 9), o('c', 'sell', 11), o('d', 'sell', 12), o('e', 'buy', 7)], fills: [f('b', 9, 1, 0.2), f('c', 11, 1), f('d', 12)] };
    const r = compareSessions(live, replay);
    expect(r.differences.map((d) => [d.index, d.cause])).toEqual([[0, 'fill'], [1, 'fee'], [2, 'latency'], [3, 'fill'], [4, 'signal']]);
    expect(r.unexplained).toBe(0);
  });
});

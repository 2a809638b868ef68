import { describe, expect, it } from 'vitest';
import { OrderStatus, OrderType, Side, TimeInForce, type Order } from '../core/order.ts';
import { ENDED_KEPT, OrderRegistry } from './order-registry.ts';

function order(n: number): Order {
  return {
    id: `O-${n}`, instrumentId: 'X', side: Side.buy, type: OrderType.limit, tif: TimeInForce.GTC, postOnly: false, reduceOnly: false,
    qty: 1, price: 100, stopPrice: Number.NaN, status: OrderStatus.submitted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0,
    createdTs: n, updatedTs: n, emulated: [],
  };
}

/** Adds order n, has the venue accept it, sends a cancel (when `cancelling`) and fills it completely. */
function fillOne(reg: OrderRegistry, n: number, cancelling: boolean): void {
  const t = reg.add(order(n), 0);
  expect(reg.apply(t, { kind: 'accepted', orderId: t.order.id }, n, false)).toBe('ok');
  if (cancelling) t.pendingCancel = true; // as the order flow marks a cancel on its way
  expect(reg.apply(t, { kind: 'fill', orderId: t.order.id, qty: 1, price: 100, fee: 0, liquidity: 'maker' } as never, n, true)).toBe('ok');
  expect(t.order.status).toBe(OrderStatus.filled);
}

describe('OrderRegistry: orders that ended with a request on its way', () => {
  it('stay findable for the late answer: the last ENDED_KEPT of them, by id', () => {
    const reg = new OrderRegistry();
    const count = ENDED_KEPT + 500;
    for (let n = 1; n <= count; n++) fillOne(reg, n, true);
    expect(reg.open.size).toBe(0);
    expect(reg.get(`O-${count}`)?.order.id).toBe(`O-${count}`);
    expect(reg.get(`O-${count - ENDED_KEPT + 1}`)?.order.id).toBe(`O-${count - ENDED_KEPT + 1}`); // the oldest kept
    expect(reg.get(`O-${count - ENDED_KEPT}`)).toBeUndefined(); // one older: overwritten
    expect(reg.get('O-1')).toBeUndefined();
    expect(reg.get('O-0')).toBeUndefined();
  });

  it('are not kept when no answer can come (nothing was on its way)', () => {
    const reg = new OrderRegistry();
    fillOne(reg, 1, false);
    fillOne(reg, 2, true);
    expect(reg.get('O-1')).toBeUndefined();
    expect(reg.get('O-2')?.order.status).toBe(OrderStatus.filled);
  });
});

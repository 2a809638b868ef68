import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../core/instrument.ts';
import { OrderStatus, type Order } from '../core/order.ts';
import { OpenOrders } from './open-orders.ts';
import { OrderAdmission, type AdmissionOptions } from './order-admission.ts';
import { Portfolio } from './portfolio.ts';
import { withNatives } from '../../test/natives.ts';

const inst = defineInstrument({ symbol: 'XYZ', tickSize: 0.05, lotSize: 1 });

function admission(o: Partial<AdmissionOptions> = {}) {
  const portfolio = new Portfolio([inst], 100_000);
  return { portfolio, a: new OrderAdmission({ instruments: [inst], portfolio, risk: undefined, checks: [], offGrid: 'round', open: new OpenOrders(), ...o }) };
}

const order = (o: Partial<Order> = {}): Order => ({
  id: 'o1', instrumentId: inst.id, side: 'buy', type: 'limit', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 10, price: 100, stopPrice: Number.NaN,
  status: OrderStatus.accepted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: 0, updatedTs: 0, reason: undefined, tag: undefined, emulated: [], ...o,
});

describe('OrderAdmission', () => {
  it('round: prices move onto the tick away from the market, the quantity down to the lot, and each move is counted', () => {
    const { a } = admission();
    expect(a.request({ side: 'buy', qty: 3.7, type: 'limit', price: 100.07 }, 0)).toMatchObject({ qty: 3, price: 100.05 });
    expect(a.request({ side: 'sell', qty: 2, type: 'limit', price: 100.07 }, 0)).toMatchObject({ qty: 2, price: 100.1 });
    const onGrid = { side: 'buy', qty: 2, type: 'limit', price: 100.05 } as const;
    expect(a.request(onGrid, 0)).toBe(onGrid);
    expect(a.offGrid).toEqual({ rounded: 2, refused: 0 });
  });

  it('refuse: an off-grid request is refused with the reason validation gives, and counted', () => {
    const { a } = admission({ offGrid: 'refuse' });
    expect(a.request({ side: 'buy', qty: 2, type: 'limit', price: 100.07 }, 0)).toMatchObject({ reason: 'invalid-price' });
    expect(a.request({ side: 'buy', qty: 0.4 }, 0)).toMatchObject({ reason: 'invalid-quantity' }); // rounds to nothing either way
    expect(a.offGrid).toEqual({ rounded: 0, refused: 2 });
  });

  it('reduce-only must shrink the position and be no larger than it', () => {
    const { a, portfolio } = admission();
    expect(a.request({ side: 'sell', qty: 1, reduceOnly: true }, 0)).toMatchObject({ reason: 'reduce-only-would-increase' }); // flat
    portfolio.applyFill(0, 2, 100, 0, 0, 0);
    expect(a.request({ side: 'buy', qty: 1, reduceOnly: true }, 0)).toMatchObject({ reason: 'reduce-only-would-increase' }); // same side as the long
    expect(a.request({ side: 'sell', qty: 3, reduceOnly: true }, 0)).toMatchObject({ reason: 'reduce-only-would-increase', message: expect.stringContaining('send at most 2') });
    expect(a.request({ side: 'sell', qty: 2, reduceOnly: true }, 0)).toMatchObject({ side: 'sell', qty: 2 });
  });

  it('a replace: the whole new terms, on the grid, and above what already filled', () => {
    const { a } = admission();
    expect(a.amendment(order(), 0, { price: 99.02 })).toEqual({ qty: 10, price: 99, stopPrice: Number.NaN });
    expect(a.amendment(order({ type: 'stop', price: Number.NaN, stopPrice: 105 }), 0, { qty: 4 })).toEqual({ qty: 4, price: Number.NaN, stopPrice: 105 });
    expect(a.amendment(order({ filledQty: 6 }), 0, { qty: 6 })).toMatchObject({ reason: 'invalid-quantity', message: 'new quantity 6 is not above the filled 6' });
    expect(a.amendment(order({ filledQty: 6 }), 0, { qty: 7 })).toEqual({ qty: 7, price: 100, stopPrice: Number.NaN });
  });

  it('pre-trade: the first check that refuses decides, in order', () => {
    const seen: string[] = [];
    const { a } = admission({
      checks: [
        () => { seen.push('first'); return null; },
        (o) => { seen.push('second'); return o.qty > 5 ? { reason: 'risk-limit', message: `${o.qty} > 5` } : null; },
        () => { seen.push('third'); return { reason: 'insufficient-cash', message: 'reached by small orders only' }; },
      ],
    });
    expect(a.preTrade(order({ qty: 10 }), 0)).toEqual({ reason: 'risk-limit', message: '10 > 5' });
    expect(seen).toEqual(['first', 'second']);
    expect(a.preTrade(order({ qty: 1 }), 0)).toMatchObject({ reason: 'insufficient-cash' });
  });
});

describe('the admission options object', () => {
  it('keeps one map across many runs in a process (a spread gave it a new one from the tenth run: every run then recompiled submit)', () => {
    const out = withNatives(`
      const { runBacktest } = await import('./src/session/run-backtest.ts');
      const { synthBars, sliceBatches } = await import('./src/data/synth-bars.ts');
      const { OrderAdmission } = await import('./src/engine/order-admission.ts');
      const seen = [];
      const preTrade = OrderAdmission.prototype.preTrade;
      OrderAdmission.prototype.preTrade = function (order, slot) { if (!seen.includes(this)) seen.push(this); return preTrade.call(this, order, slot); };
      const mem = sliceBatches(synthBars({ count: 5_000, seed: 3 }), 4_096);
      const config = { strategy: 'ma-cross', params: { fast: 5, slow: 20 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
      for (let k = 0; k < 14; k++) await runBacktest(config, { feeds: [mem] });
      const same = seen.slice(1).map((a, k) => %HaveSameMap(seen[k].o, a.o));
      console.log(JSON.stringify({ runs: seen.length, same }));`);
    const { runs, same } = JSON.parse(out) as { runs: number; same: boolean[] };
    expect(runs).toBe(14);
    expect(same).toEqual(new Array(13).fill(true));
  }, 60_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/core/order.ts';
import type { SubmitResult } from '../src/core/order.ts';
import { barHarness, ccxtHarness, l2Harness, type ClientHarness } from './execution-harnesses.ts';

/**
 * One contract for every execution client: the same command scripts against the bar
 * broker, the simulated L2 venue and CcxtExecution through ccxt against the loopback
 * exchange (which behaves as Binance spot). Each script asserts the lifecycle events the
 * strategy sees, written out by hand from the venue rules, and the resulting position.
 * Where a race is possible — commands travel to the venue while the market moves — the
 * clients with latency must show the race's outcome; the bar broker answers commands at
 * once and shows the command winning.
 */
const clients: Array<[string, () => ClientHarness | Promise<ClientHarness>]> = [
  ['BarBroker', barHarness],
  ['L2Venue', l2Harness],
  ['CcxtExecution against the loopback exchange', ccxtHarness],
];

const order = (r: SubmitResult): Readonly<Order> => {
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.message}`);
  return r.order;
};

describe.each(clients)('execution client contract: %s', (_name, make) => {
  let h: ClientHarness;
  const start = async () => (h = await make());
  afterEach(async () => h?.close());

  it('a market order is submitted, accepted and filled', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1)));
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'filled']);
    expect(h.engine.portfolio.position(0)).toBe(1);
  });

  it('an order the cash cannot pay for is rejected', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(2000, { type: 'limit', price: 100 })));
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'rejected']);
    expect(o.reason).toBe('insufficient-cash');
  });

  it('partial fills, then filled', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(2, { type: 'limit', price: 99.95 })));
    await h.settle();
    await h.trade(99.95, 1);
    await h.settle();
    expect(o).toMatchObject({ status: 'partially-filled', filledQty: 1 });
    await h.trade(99.9, 5);
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'partially-filled', 'filled']);
    expect(h.engine.portfolio.position(0)).toBe(2);
  });

  it('cancel: pending-cancel, then cancelled', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'limit', price: 99 })));
    await h.settle();
    h.act((ctx) => {
      expect(ctx.cancel(o.id).ok).toBe(true);
      expect(o.status).toBe('pending-cancel'); // until the venue answers
    });
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'cancelled']);
  });

  it('a cancel racing a fill', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'limit', price: 99.95 })));
    await h.settle();
    h.act((ctx) => ctx.cancel(o.id));
    await h.trade(99.9, 5); // trades through the bid before the cancel can arrive
    await h.settle();
    if (h.racy) {
      expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'filled', 'cancel-rejected']);
      expect(h.engine.portfolio.position(0)).toBe(1);
    } else {
      expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'cancelled']);
      expect(h.engine.portfolio.position(0)).toBe(0);
    }
  });

  it('a cancel sent before the venue acknowledged the order is held until it can be sent, never dropped', async () => {
    await start();
    const o = h.act((ctx) => {
      const x = order(ctx.buy(1, { type: 'limit', price: 99 }));
      expect(ctx.cancel(x.id).ok).toBe(true);
      return x;
    });
    await h.settle();
    // The bar broker acknowledges inside the submit call itself, so its acknowledgement precedes the cancel.
    expect(h.events(o.id)).toEqual(h.racy ? ['submitted', 'pending-cancel', 'accepted', 'cancelled'] : ['submitted', 'accepted', 'pending-cancel', 'cancelled']);
  });

  it('replace down, then up and to a new price; the venue works the new terms', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(2, { type: 'limit', price: 99 })));
    await h.settle();
    h.act((ctx) => {
      expect(ctx.replace(o.id, { qty: 1 }).ok).toBe(true);
      expect(o).toMatchObject({ status: 'pending-update', qty: 2 }); // the venue's terms until it answers
    });
    await h.settle();
    expect(o).toMatchObject({ status: 'accepted', qty: 1, price: 99 });
    h.act((ctx) => expect(ctx.replace(o.id, { qty: 3, price: 99.05 }).ok).toBe(true));
    await h.settle();
    expect(o).toMatchObject({ qty: 3, price: 99.05 });
    await h.trade(99.05, 5);
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-update', 'updated', 'pending-update', 'updated', 'filled']);
    expect(h.engine.portfolio.position(0)).toBe(3);
  });

  it('a replace racing a fill: the fill applies to the terms the venue held', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(2, { type: 'limit', price: 99.95 })));
    await h.settle();
    h.act((ctx) => ctx.replace(o.id, { qty: 1 }));
    await h.trade(99.9, 5);
    await h.settle();
    if (h.racy) {
      expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-update', 'filled', 'update-rejected']);
      expect(h.engine.portfolio.position(0)).toBe(2);
    } else {
      expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'pending-update', 'updated', 'filled']);
      expect(h.engine.portfolio.position(0)).toBe(1);
    }
  });

  it('a stop triggers on the trade at its price and fills', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'stop', stopPrice: 100.5 })));
    await h.settle();
    expect(o.status).toBe('accepted');
    await h.trade(100.5, 1);
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'triggered', 'filled']);
    expect(h.engine.portfolio.position(0)).toBe(1);
  });

  it('a stop-limit triggers, then fills within its limit', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'stop-limit', stopPrice: 100.5, price: 100.6 })));
    await h.settle();
    await h.trade(100.5, 1);
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'triggered', 'filled']);
    expect(o.avgFillPrice).toBeLessThanOrEqual(100.6);
  });

  it('a post-only order that would take liquidity is rejected', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'limit', price: 100.1, postOnly: true })));
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'rejected']);
    expect(o.reason).toBe('post-only-would-cross');
  });

  it('reduce-only: refused when flat or beyond the position, works within it', async () => {
    await start();
    h.act((ctx) => expect(ctx.sell(1, { reduceOnly: true })).toMatchObject({ ok: false, reason: 'reduce-only-would-increase' }));
    h.act((ctx) => ctx.buy(1));
    await h.settle();
    h.act((ctx) => expect(ctx.sell(2, { reduceOnly: true })).toMatchObject({ ok: false, reason: 'reduce-only-would-increase' }));
    const ro = h.act((ctx) => order(ctx.sell(1, { type: 'limit', price: 101, reduceOnly: true })));
    await h.settle();
    await h.trade(101, 5);
    await h.settle();
    expect(h.events(ro.id)).toEqual(['submitted', 'accepted', 'filled']);
    expect(h.engine.portfolio.position(0)).toBe(0);
  });

  it('a working reduce-only order ends when the position it reduces is gone', async (test) => {
    await start();
    // A spot venue reserves the coins of the resting sell: nothing else can sell them, so the position cannot go away under it.
    if (h.engine.venueCapabilities.reservesBalance) test.skip();
    h.act((ctx) => ctx.buy(1));
    await h.settle();
    const ro = h.act((ctx) => order(ctx.sell(1, { type: 'limit', price: 101, reduceOnly: true })));
    await h.settle();
    h.act((ctx) => ctx.sell(1));
    await h.settle();
    await h.settle(); // an emulated reduce-only is cancelled once the position is gone: let that cancel arrive
    await h.trade(101, 5);
    await h.settle();
    expect(h.events(ro.id)).toEqual(['submitted', 'accepted', 'cancelled']);
    expect(ro.reason).toBe('reduce-only-would-increase');
    expect(h.engine.portfolio.position(0)).toBe(0);
  });

  it('IOC: what can fill fills, the rest expires; FOK: all or nothing', async () => {
    await start();
    const ioc = h.act((ctx) => order(ctx.buy(8, { type: 'limit', price: 100.1, tif: 'IOC' })));
    await h.trade(100.1, 5);
    await h.settle();
    expect(h.events(ioc.id)).toEqual(['submitted', 'accepted', 'partially-filled', 'expired']);
    expect(ioc.filledQty).toBe(5);
    const fok = h.act((ctx) => order(ctx.buy(8, { type: 'limit', price: 100.1, tif: 'FOK' })));
    await h.trade(100.1, 5);
    await h.settle();
    expect(h.events(fok.id)).toEqual(['submitted', 'accepted', 'expired']);
    expect(h.engine.portfolio.position(0)).toBe(5);
  });

  it('a DAY order expires when its UTC day ends', async () => {
    await start();
    const o = h.act((ctx) => order(ctx.buy(1, { type: 'limit', price: 99, tif: 'DAY' })));
    await h.settle();
    await h.nextDay();
    await h.settle();
    expect(h.events(o.id)).toEqual(['submitted', 'accepted', 'expired']);
    expect(o.reason).toBe('day order expired');
  });

  it('bracket: exits placed when the entry fills; the take-profit fills and cancels the stop-loss', async () => {
    await start();
    const b = h.act((ctx) => {
      const r = ctx.bracket({ side: 'buy', qty: 1, stopLoss: { stopPrice: 99.5 }, takeProfit: { price: 100.8 } });
      if (!r.ok) throw new Error(r.message);
      return r.bracket;
    });
    await h.settle();
    await h.settle();
    expect(b.stopLoss).not.toBeNull();
    expect(b.takeProfit).not.toBeNull();
    await h.trade(100.8, 5);
    await h.settle();
    await h.settle();
    expect(h.events(b.entry.id)).toEqual(['submitted', 'accepted', 'filled']);
    expect(h.events(b.takeProfit!.id)).toEqual(['submitted', 'accepted', 'filled']);
    expect(h.events(b.stopLoss!.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'cancelled']);
    expect(b.takeProfit!.tag).toBe('bracket-1:take-profit');
    expect(h.engine.portfolio.position(0)).toBe(0);
  });

  it('bracket: the stop-loss triggers and exits, the take-profit is cancelled', async () => {
    await start();
    const b = h.act((ctx) => {
      const r = ctx.bracket({ side: 'buy', qty: 1, entry: { type: 'limit', price: 100.1 }, stopLoss: { stopPrice: 99.5 }, takeProfit: { price: 100.8 }, tag: 'b' });
      if (!r.ok) throw new Error(r.message);
      return r.bracket;
    });
    await h.settle();
    await h.settle();
    await h.trade(99.5, 5);
    await h.settle();
    await h.settle();
    expect(h.events(b.entry.id)).toEqual(['submitted', 'accepted', 'filled']);
    expect(h.events(b.stopLoss!.id)).toEqual(['submitted', 'accepted', 'triggered', 'filled']);
    expect(h.events(b.takeProfit!.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'cancelled']);
    expect(b.stopLoss!.tag).toBe('b:stop-loss');
    expect(h.engine.portfolio.position(0)).toBe(0);
  });

  it('OCO: the stop triggers and fills, the limit is cancelled', async () => {
    await start();
    h.act((ctx) => ctx.buy(1));
    await h.settle();
    const [limit, stop] = h.act((ctx) => {
      const r = ctx.oco({ side: 'sell', qty: 1, type: 'limit', price: 100.8 }, { side: 'sell', qty: 1, type: 'stop', stopPrice: 99.5 });
      if (!r.ok) throw new Error(r.message);
      return r.legs;
    });
    await h.settle();
    await h.trade(99.5, 5);
    await h.settle();
    await h.settle();
    expect(h.events(stop.id)).toEqual(['submitted', 'accepted', 'triggered', 'filled']);
    expect(h.events(limit.id)).toEqual(['submitted', 'accepted', 'pending-cancel', 'cancelled']);
    expect(h.engine.portfolio.position(0)).toBe(0);
  });
});

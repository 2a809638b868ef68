import { describe, expect, it } from 'vitest';
import { runScripted, type Ohlcv } from '../../test/bars.ts';
import type { OrderRequest, SubmitResult } from '../core/order.ts';

// Hand-made daily bars: [open, high, low, close, volume]
const BARS: Ohlcv[] = [
  [100, 105, 95, 102, 1000],
  [103, 108, 101, 107, 1000],
  [99, 104, 97, 100, 1000], // gaps down
  [110, 112, 108, 111, 1000], // gaps up
  [111, 113, 109, 112, 1000],
];

/** Submits `req` on bar `at` and returns the run plus the submit result. */
async function one(req: Omit<OrderRequest, 'instrument'>, at = 0, cfg = {}) {
  let res: SubmitResult | undefined;
  const r = await runScripted(BARS, (i, _b, ctx) => {
    if (i === at) res = ctx.submit(req);
  }, cfg);
  return { r, res: res!, fills: r.fills.map((f) => [f.price, f.qty, f.liquidity, (f.ts - r.equity.ts[0]) / 86_400e6]) };
}

describe('BarBroker fill rules (hand-checked)', () => {
  it('fills market orders at the next open, or at the signal close in close mode', async () => {
    expect((await one({ side: 'buy', qty: 1 })).fills).toEqual([[103, 1, 'taker', 1]]);
    expect((await one({ side: 'buy', qty: 1 }, 0, { fillTiming: 'close' })).fills).toEqual([[102, 1, 'taker', 0]]);
  });

  it('fills limits at the limit when touched, at the open when gapped through', async () => {
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 102 })).fills).toEqual([[102, 1, 'maker', 1]]);
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 100 })).fills).toEqual([[99, 1, 'maker', 2]]);
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 105 })).fills).toEqual([[103, 1, 'taker', 1]]);
    expect((await one({ side: 'sell', qty: 1, type: 'limit', price: 111 })).fills).toEqual([[111, 1, 'maker', 3]]);
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 90 })).fills).toEqual([]);
  });

  it('fills stops at the stop when touched, at the open when gapped through', async () => {
    expect((await one({ side: 'buy', qty: 1, type: 'stop', stopPrice: 109 })).fills).toEqual([[110, 1, 'taker', 3]]);
    expect((await one({ side: 'buy', qty: 1, type: 'stop', stopPrice: 106 })).fills).toEqual([[106, 1, 'taker', 1]]);
    expect((await one({ side: 'sell', qty: 1, type: 'stop', stopPrice: 98 }, 1)).fills).toEqual([[98, 1, 'taker', 2]]);
  });

  it('triggers stop-limits as stops, then fills them as limits', async () => {
    expect((await one({ side: 'buy', qty: 1, type: 'stop-limit', stopPrice: 106, price: 106.5 })).fills).toEqual([[106, 1, 'maker', 1]]);
    expect((await one({ side: 'buy', qty: 1, type: 'stop-limit', stopPrice: 106, price: 105 })).fills).toEqual([[105, 1, 'maker', 1]]);
    expect((await one({ side: 'buy', qty: 1, type: 'stop-limit', stopPrice: 109, price: 109.5 })).fills).toEqual([[109.5, 1, 'maker', 3]]);
    const late = await one({ side: 'buy', qty: 1, type: 'stop-limit', stopPrice: 109, price: 107 });
    expect(late.fills).toEqual([]);
    expect(late.r.orders[0].status).toBe('triggered');
  });

  it('caps fills at the bar-volume share: GTC continues, IOC and FOK expire with what is left', async () => {
    const cfg = { maxVolumeShare: 0.1, cash: 100_000 };
    expect((await one({ side: 'buy', qty: 150 }, 0, cfg)).fills).toEqual([[103, 100, 'taker', 1], [99, 50, 'taker', 2]]);
    const ioc = await one({ side: 'buy', qty: 150, tif: 'IOC' }, 0, cfg);
    expect(ioc.fills).toEqual([[103, 100, 'taker', 1]]);
    expect(ioc.r.orders[0]).toMatchObject({ status: 'expired', filledQty: 100, reason: 'immediate-or-cancel remainder' });
    const fok = await one({ side: 'buy', qty: 150, tif: 'FOK' }, 0, cfg);
    expect(fok.fills).toEqual([]);
    expect(fok.r.orders[0]).toMatchObject({ status: 'expired', reason: 'fill-or-kill not filled' });
    expect((await one({ side: 'buy', qty: 100, tif: 'FOK' }, 0, cfg)).fills).toEqual([[103, 100, 'taker', 1]]);
  });

  it('expires DAY orders at the first bar of a later day', async () => {
    const day = await one({ side: 'buy', qty: 1, type: 'limit', price: 102, tif: 'DAY' });
    expect(day.fills).toEqual([]);
    expect(day.r.orders[0].status).toBe('expired');
  });

  it('rejects post-only orders that would cross and fills the rest as maker', async () => {
    // The venue refuses it (an event), not the engine: the submit itself went out.
    const crossing = await one({ side: 'buy', qty: 1, type: 'limit', price: 102, postOnly: true });
    expect(crossing.res.ok).toBe(true);
    expect(crossing.r.orders[0]).toMatchObject({ status: 'rejected', reason: 'post-only-would-cross' });
    expect(crossing.fills).toEqual([]);
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 101, postOnly: true })).fills).toEqual([[101, 1, 'maker', 1]]);
  });

  it('validates requests: reduce-only, grid, prices by type', async () => {
    expect((await one({ side: 'sell', qty: 1, reduceOnly: true })).res).toMatchObject({ ok: false, reason: 'reduce-only-would-increase' });
    expect((await one({ side: 'buy', qty: 1.5 }, 0, { offGrid: 'refuse' })).res).toMatchObject({ ok: false, reason: 'invalid-quantity' });
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 100.005 }, 0, { offGrid: 'refuse' })).res).toMatchObject({ ok: false, reason: 'invalid-price' });
    expect((await one({ side: 'buy', qty: 1, type: 'limit' })).res).toMatchObject({ ok: false, reason: 'missing-price' });
    expect((await one({ side: 'buy', qty: 1, price: 100 })).res).toMatchObject({ ok: false, reason: 'invalid-price' });
  });

  it('offGrid round (the default) moves an order onto the grid, never more aggressively, and counts it', async () => {
    // lot 1, tick 0.01: 1.5 → 1 (down); a buy limit 102.005 → 102.00 (down), a sell limit 102.005 → 102.01 (up).
    const buy = await one({ side: 'buy', qty: 1.5, type: 'limit', price: 102.005 });
    expect(buy.res).toMatchObject({ ok: true });
    expect(buy.r.orders[0]).toMatchObject({ qty: 1, price: 102 });
    expect(buy.r.offGrid.rounded).toBe(1);
    const sell = await one({ side: 'sell', qty: 1, type: 'limit', price: 102.005 }, 0, { shortMargin: 0 });
    expect(sell.r.orders[0]).toMatchObject({ price: 102.01 });
    expect((await one({ side: 'buy', qty: 0.4 })).res).toMatchObject({ ok: false, reason: 'invalid-quantity' }); // rounds to nothing
  });

  it('refuses reduce-only orders larger than the position; trims them when the position shrank meanwhile', async () => {
    const r = await runScripted(BARS, (i, _b, ctx) => {
      if (i === 0) ctx.buy(2);
      if (i === 1) {
        expect(ctx.sell(5, { reduceOnly: true })).toMatchObject({ ok: false, reason: 'reduce-only-would-increase' });
        expect(ctx.sell(1).ok).toBe(true); // fills first at bar 2's open, leaving 1
        expect(ctx.sell(2, { reduceOnly: true }).ok).toBe(true); // then only 1 can reduce
      }
    });
    // bar 1 open 103 (buy 2); bar 2 open 99: the plain sell of 1, then the reduce-only trimmed to the 1 left.
    expect(r.fills.map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 2, 103], ['sell', 1, 99], ['sell', 1, 99]]);
    expect(r.orders[2]).toMatchObject({ status: 'cancelled', filledQty: 1, reason: 'reduce-only-would-increase' });
  });

  it('refuses fills the cash cannot pay for', async () => {
    const r = await one({ side: 'buy', qty: 1 }, 0, { cash: 100 });
    expect(r.fills).toEqual([]);
    expect(r.r.orders[0]).toMatchObject({ status: 'rejected', reason: 'insufficient-cash' });
  });

  it('replaces and cancels open orders', async () => {
    const r = await runScripted(BARS, (i, _b, ctx) => {
      if (i === 0) ctx.buy(1, { type: 'limit', price: 90 });
      if (i === 0) ctx.buy(1, { type: 'limit', price: 91 });
      if (i === 0) {
        // Not acknowledged yet (the broker answers when this callback returns): no replace.
        expect(ctx.replace(ctx.openOrders()[0].id, { price: 95 })).toMatchObject({ ok: false, reason: 'not-acknowledged' });
      }
      if (i === 1) {
        const [a, b] = ctx.openOrders();
        expect(ctx.replace(a.id, { price: 100 }).ok).toBe(true);
        expect(a.status).toBe('pending-update');
        expect(ctx.cancel(b.id).ok).toBe(true);
        expect(b.status).toBe('pending-cancel');
        expect(ctx.cancel(b.id)).toMatchObject({ ok: false, reason: 'request-pending' });
        expect(ctx.cancel('nope')).toMatchObject({ ok: false, reason: 'unknown-order' });
      }
      if (i === 2) expect(ctx.cancel('O-2')).toMatchObject({ ok: false, reason: 'order-not-open' }); // cancelled on bar 1
    });
    expect(r.fills.map((f) => f.price)).toEqual([99]);
    expect(r.orders.map((o) => o.status)).toEqual(['filled', 'cancelled']);
  });

  it('reports every lifecycle event through onOrder (after the callback that caused it) and fills through onFill', async () => {
    const seen: string[] = [];
    await runScripted(BARS, (i, _b, ctx) => {
      if (i === 0) {
        ctx.buy(150, { tif: 'IOC' });
        seen.push('buy returned');
      }
    }, { maxVolumeShare: 0.1, cash: 100_000 }, {
      onFill: (f) => seen.push(`fill ${f.qty}`),
      onOrder: (e) => seen.push(`order ${e.kind} ${e.status}`),
    });
    expect(seen).toEqual([
      'buy returned', 'order submitted submitted', 'order accepted accepted',
      'fill 100', 'order partially-filled partially-filled', 'order expired expired',
    ]);
  });
});

describe('BarBroker costs (hand-checked)', () => {
  it('charges a rate on notional', async () => {
    const { r } = await one({ side: 'buy', qty: 10 }, 0, { commission: { type: 'rate', rate: 0.001 } });
    expect(r.fills[0].fee).toBeCloseTo(1.03, 12);
    expect(r.finalValue).toBeCloseTo(10_000 - 1030 - 1.03 + 10 * 112, 9);
  });

  it('accounts futures style: per-contract fee, multiplier, margin held, P&L marked to cash', async () => {
    const r = await runScripted(BARS, (i, _b, ctx) => {
      if (i === 0) ctx.buy(1);
      if (i === 2) ctx.close();
    }, { commission: { type: 'per-contract', perContract: 2 }, instrument: { multiplier: 50, margin: 2000 } });
    // bar 1: bought @103, close 107: equity 10000 − 2 + 4×50; cash holds 2000 less.
    expect(r.equity.equity[1]).toBe(10_198);
    expect(r.equity.cash[1]).toBe(8198);
    // bar 2: close 100 → −7×50; bar 3: sold at the open 110 (+10×50) and fee 2.
    expect(r.equity.equity[2]).toBe(9848);
    expect(r.finalValue).toBe(10_000 - 4 + (110 - 103) * 50);
    expect(r.cash).toBe(r.finalValue);
  });

  it('pays maker rebates and taker fees', async () => {
    const cfg = { commission: { type: 'maker-taker', maker: -0.0002, taker: 0.0005 } } as const;
    expect((await one({ side: 'buy', qty: 1, type: 'limit', price: 102 }, 0, cfg)).r.fills[0].fee).toBeCloseTo(-0.0204, 12);
    expect((await one({ side: 'buy', qty: 1 }, 0, cfg)).r.fills[0].fee).toBeCloseTo(0.0515, 12);
  });

  it('prices the cash check\'s fee at each fill\'s own price and liquidity (by hand)', async () => {
    // A 50% rate: buy 1 on bar 1 at 103 (fee 51.5) leaves 9,845.5; 66 more at bar 2's open 99
    // cost 66 × 99 × 1.5 = 9,801 (affordable), where the first fill's price would make it 9,933.
    const rate = { commission: { type: 'rate', rate: 0.5 } } as const;
    const two = await runScripted(BARS, (i, _b, ctx) => {
      if (i === 0) ctx.buy(1);
      if (i === 1) ctx.buy(66);
    }, rate);
    expect(two.fills.map((f) => [f.price, f.qty])).toEqual([[103, 1], [99, 66]]);
    expect(two.cash).toBeCloseTo(9845.5 - 9801, 9);
    // Maker 0, taker 50%: a buy limit of 90 at 102 fills as maker (9,180, no fee); priced as taker it would need 13,770.
    const mt = { commission: { type: 'maker-taker', maker: 0, taker: 0.5 } } as const;
    const maker = await one({ side: 'buy', qty: 90, type: 'limit', price: 102 }, 0, mt);
    expect(maker.fills).toEqual([[102, 90, 'maker', 1]]);
  });

  it('slips by bps, ticks and square-root volume share, inside the bar range', async () => {
    const px = async (slippage: object, side: 'buy' | 'sell' = 'buy', qty = 10) =>
      (await one({ side, qty }, 0, { slippage })).r.fills[0].price;
    expect(await px({ type: 'bps', bps: 10 })).toBeCloseTo(103.103, 9);
    expect(await px({ type: 'ticks', ticks: 2 })).toBeCloseTo(103.02, 9);
    expect(await px({ type: 'volume-share', coefficient: 0.1 })).toBeCloseTo(103 * 1.01, 9);
    expect(await px({ type: 'bps', bps: 500 }, 'sell')).toBe(101); // clamped at the bar's low
  });
});

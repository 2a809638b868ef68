import { describe, expect, it } from 'vitest';
import { runScripted, type Ohlcv } from '../../test/bars.ts';
import type { Order } from '../core/order.ts';

const flat = (n: number, px = 100): Ohlcv[] => Array.from({ length: n }, () => [px, px + 1, px - 1, px, 1000] as const);

describe('risk engine: pre-trade limits (each refusal names its limit)', () => {
  const reasons = async (risk: Record<string, number>, act: (ctx: Parameters<Parameters<typeof runScripted>[1]>[2]) => unknown[]) => {
    let out: unknown[] = [];
    await runScripted(flat(3), (i, _b, ctx) => { if (i === 1) out = act(ctx); }, { risk, cash: 1e6 });
    return out.map((r) => { const x = r as { ok: boolean; reason?: string; message?: string }; return x.ok ? 'ok' : `${x.reason}: ${x.message}`; });
  };

  it('max order size', async () => {
    expect(await reasons({ maxOrderQty: 5 }, (c) => [c.buy(5), c.buy(6)])).toEqual(['ok', 'risk-limit: order quantity 6 exceeds the limit 5']);
  });
  it('max position counts open orders on the same side', async () => {
    expect(await reasons({ maxPosition: 10 }, (c) => [c.buy(6), c.buy(4), c.buy(1), c.sell(15)])).toEqual([
      'ok', 'ok', 'risk-limit: position could reach 11 (limit 10)', 'risk-limit: position could reach 15 (limit 10)',
    ]);
  });
  it('max notional at the limit price or the mark', async () => {
    // mark 100 (the bar close); the open buy of 20 counts: (20 + 30) × 100 = 5,000 > 2,500
    expect(await reasons({ maxNotional: 2500 }, (c) => [c.buy(20), c.buy(30)])).toEqual(['ok', 'risk-limit: notional could reach 5000.00 (limit 2500)']);
  });
  it('price band around the mark (fat finger)', async () => {
    expect(await reasons({ priceBandBps: 100 }, (c) => [c.buy(1, { type: 'limit', price: 99.5 }), c.buy(1, { type: 'limit', price: 90 })])).toEqual([
      'ok', 'risk-limit: limit price 90 is 1000.0 bps from the mark 100 (band 100 bps)',
    ]);
  });
  it('max open orders and order rate', async () => {
    expect(await reasons({ maxOpenOrders: 2 }, (c) => [c.buy(1, { type: 'limit', price: 95 }), c.buy(1, { type: 'limit', price: 94 }), c.buy(1, { type: 'limit', price: 93 })]))
      .toEqual(['ok', 'ok', 'risk-limit: 2 orders already open (limit 2)']);
    expect(await reasons({ maxOrdersPerSecond: 2 }, (c) => [c.buy(1), c.buy(1), c.buy(1)])).toEqual(['ok', 'ok', 'risk-limit: order rate limit: 2 per second']);
  });
});

describe('kill switch', () => {
  it('a daily loss breach cancels every open order, halts new orders and stops the strategy (logged)', async () => {
    // Buy 100 at 100 on day 0's close → filled next open 100; price falls to 90: loss 1,000 > 500.
    const rows: Ohlcv[] = [[100, 101, 99, 100, 1e6], [100, 101, 99, 100, 1e6], [95, 96, 89, 90, 1e6], [90, 91, 89, 90, 1e6], [90, 91, 89, 90, 1e6]];
    const calls: number[] = [];
    let resting: Order | null = null;
    const r = await runScripted(rows, (i, _b, ctx) => {
      calls.push(i);
      if (i === 0) ctx.buy(100);
      if (i === 1) {
        const res = ctx.sell(1, { type: 'limit', price: 200 });
        if (res.ok) resting = res.order;
      }
    }, { risk: { maxDailyLoss: 500 }, cash: 1e6 }, {});
    // Daily bars: day 2's equity (close 90: −1,000) against day 1's closing equity (100).
    expect(r.killSwitch?.reason).toMatch(/daily loss 1000.00 exceeds 500/);
    expect(calls).toEqual([0, 1, 2]); // bar 2's equity tripped it after its call; bars 3 and 4 are not delivered
    expect(resting!.status).toBe('cancelled');
    expect(r.logs.some((l) => l.level === 'error' && /kill switch/.test(l.message))).toBe(true);
  });

  it('a drawdown breach trips it too', async () => {
    const rows: Ohlcv[] = [[100, 101, 99, 100, 1e6], [100, 101, 99, 100, 1e6], [100, 101, 80, 80, 1e6], [80, 81, 79, 80, 1e6]];
    const r = await runScripted(rows, (i, _b, ctx) => { if (i === 0) ctx.buy(50); }, { risk: { maxDrawdown: 0.05 }, cash: 10_000 });
    // 50 × (100 → 80) = −1,000 on 10,000: drawdown 10% > 5%
    expect(r.killSwitch?.reason).toMatch(/drawdown 10.00% exceeds 5.00%/);
  });

  it('kill policy flatten (the default) closes the position at the next open, reduce-only; cancel leaves it open and says so', async () => {
    // Tripped on bar 2's equity (50 × (100 → 80) = −1,000: 10%); the flatten sell of 50 fills at bar 3's open, 80.
    const rows: Ohlcv[] = [[100, 101, 99, 100, 1e6], [100, 101, 99, 100, 1e6], [100, 101, 80, 80, 1e6], [80, 81, 79, 80, 1e6], [80, 81, 79, 80, 1e6]];
    const flat = await runScripted(rows, (i, _b, ctx) => { if (i === 0) ctx.buy(50); }, { risk: { maxDrawdown: 0.05 }, cash: 10_000 });
    expect(flat.fills.map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 50, 100], ['sell', 50, 80]]);
    expect(flat.orders[1]).toMatchObject({ tag: 'kill-switch:flatten', reduceOnly: true, status: 'filled' });
    expect(flat.killSwitch).toMatchObject({ policy: 'flatten', flattenOrders: 1, openPositions: {} });
    expect(flat.cash).toBeCloseTo(10_000 - 50 * 100 + 50 * 80, 9);
    const kept = await runScripted(rows, (i, _b, ctx) => { if (i === 0) ctx.buy(50); }, { risk: { maxDrawdown: 0.05 }, cash: 10_000, onKill: 'cancel' });
    expect(kept.fills).toHaveLength(1);
    expect(kept.killSwitch).toMatchObject({ policy: 'cancel', flattenOrders: 0, openPositions: { 'T.SIM': 50 } });
  });
});

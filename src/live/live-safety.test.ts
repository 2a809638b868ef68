import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loopbackConfig, loopbackRun } from '../../test/loopback-session.ts';
import type { SessionConfigInput } from '../config/session-config.ts';
import { defineStrategy, type Context } from '../engine/strategy.ts';
import { startLoopbackVenue, type LoopbackVenue } from './loopback/start-venue.ts';

/**
 * Live sessions against the loopback exchange (Binance spot filters: tick 0.01, step 0.001,
 * NOTIONAL 0.5 USDT) through runLive: the risk limits, kill-switch policies and order rules
 * of backtests hold in live mode, checked against what the exchange itself holds.
 */
let venue: LoopbackVenue;
const KEYS = ['risk', 'loss', 'cancel', 'grid-round', 'grid-refuse'] as const;
beforeAll(async () => {
  venue = await startLoopbackVenue({ events: 400_000, seed: 17, minNotional: 0.5, keys: Object.fromEntries(KEYS.map((k) => [k, `${k}-secret`])), balances: { USDT: 100_000, BTC: 0 } });
});
afterAll(async () => { await venue?.close(); });

const creds = (k: (typeof KEYS)[number]) => ({ apiKey: k, secret: `${k}-secret` });
const live = (more: Partial<SessionConfigInput>) => loopbackConfig(venue.url, 'live', 'scripted', more);
const btc = (key: string) => venue.exchange.spot.balance(key, 'BTC');

/** A strategy that runs `act` once, on the 200th book update (the mark price is known by then). */
function once(act: (ctx: Context, mid: number) => void) {
  return defineStrategy({
    name: 'scripted', description: 'acts once', params: z.strictObject({}),
    create: () => {
      let n = 0;
      return { onBook: (_d, ctx) => { const mid = ctx.book().mid(); if (++n === 200 && mid > 0) act(ctx, mid); } };
    },
  });
}
const px = (x: number) => Math.round(x * 100) / 100;

describe('risk limits in live mode', () => {
  it('an order over maxOrderQty and one outside the price band are refused before they reach the exchange; a good one goes', async () => {
    const ids: Record<string, string> = {};
    const def = once((ctx, mid) => {
      for (const [name, r] of [
        ['big', ctx.buy(0.05, { type: 'limit', price: px(mid - 1) })],
        ['far', ctx.buy(0.01, { type: 'limit', price: px(mid * 0.9) })],
        ['ok', ctx.buy(0.01, { type: 'limit', price: px(mid - 1) })],
      ] as const) ids[name] = r.ok ? r.order.id : `refused:${r.reason}`;
    });
    const r = await loopbackRun(live({ risk: { maxOrderQty: 0.02, priceBandBps: 200 }, session: { maxSeconds: 2, maxEvents: 1e9 } }), def, { creds: creds('risk') });
    expect(ids.big).toBe('refused:risk-limit');
    expect(ids.far).toBe('refused:risk-limit');
    expect(r.rejections.byReason).toEqual({ 'risk-limit': 2 });
    expect(r.rejections.first.map((x) => x.message).join(' | ')).toMatch(/quantity 0.05 exceeds the limit 0.02.*bps from the mark/);
    // The exchange saw exactly one order of this session: the good one.
    const atExchange = venue.exchange.spot.all().filter((o) => r.orders.some((x) => x.id === o.clientOrderId)).map((o) => o.clientOrderId);
    expect(atExchange).toEqual([ids.ok]);
  }, 30_000);

  it('a daily-loss breach trips the kill switch; flatten leaves the account flat at the exchange', async () => {
    // Buying 1 BTC at market costs the 0.1% taker fee (~0.1 USDT at a price near 100) plus the spread: over the 0.05 limit.
    const def = once((ctx) => { ctx.buy(1); });
    const before = btc('loss');
    const r = await loopbackRun(live({ risk: { maxDailyLoss: 0.05 }, session: { maxSeconds: 15, maxEvents: 1e9 } }), def, { creds: creds('loss') });
    expect(r.killSwitch?.reason).toMatch(/daily loss .* exceeds 0.05/);
    expect(r.killSwitch).toMatchObject({ policy: 'flatten', flattenOrders: 1, openPositions: {} });
    expect(r.timing.totalSeconds).toBeLessThan(12); // the killed session ended; it did not run to maxSeconds
    // The exchange's own books: bought 1, sold 1 back; nothing resting.
    expect(btc('loss').free + btc('loss').locked).toBeCloseTo(before.free + before.locked, 9);
    const mine = venue.exchange.spot.all().filter((o) => r.orders.some((x) => x.id === o.clientOrderId));
    expect(mine.map((o) => [o.side, o.type, o.status])).toEqual([['buy', 'MARKET', 'FILLED'], ['sell', 'MARKET', 'FILLED']]);
  }, 30_000);

  it('kill with onKill cancel: resting orders cancelled at the exchange, the position left open and reported', async () => {
    const def = once((ctx, mid) => {
      ctx.buy(0.02);
      ctx.buy(0.01, { type: 'limit', price: px(mid - 2) });
    });
    const r = await loopbackRun(live({ onKill: 'cancel', session: { maxSeconds: 15, maxEvents: 1e9 } }), def, {
      creds: creds('cancel'), onStart: (engine) => { setTimeout(() => engine.kill('test: operator kill'), 1500); },
    });
    expect(r.killSwitch).toMatchObject({ reason: 'test: operator kill', policy: 'cancel', flattenOrders: 0, openPositions: { 'BTCUSDT.BINANCE': 0.02 } });
    expect(btc('cancel').free + btc('cancel').locked).toBeCloseTo(0.02, 9); // still held at the exchange, as reported
    expect(venue.exchange.clientOrderIds(true).filter((id) => r.orders.some((o) => o.id === id))).toEqual([]);
  }, 30_000);
});

describe('order rules from loadMarkets in live mode', () => {
  /** Places a buy limit off the grid: price mid − 1.234567, quantity 0.0123456. */
  const offGrid = (seen: { price?: number; qty?: number }) => once((ctx, mid) => {
    seen.price = mid - 1.234567;
    const r = ctx.buy(0.0123456, { type: 'limit', price: seen.price });
    if (r.ok) seen.qty = r.order.qty;
  });

  it("the instrument is the venue's; an off-grid order is rounded onto its grid, never more aggressive, and sent right", async () => {
    const seen: { price?: number; qty?: number } = {};
    const r = await loopbackRun(live({ session: { maxSeconds: 2, maxEvents: 1e9 } }), offGrid(seen), { creds: creds('grid-round') });
    expect(r.instruments[0]).toMatchObject({ id: 'BTCUSDT.BINANCE', tickSize: 0.01, lotSize: 0.001, minNotional: 0.5 });
    const o = venue.exchange.spot.all().find((x) => x.clientOrderId === r.orders[0]?.id)!;
    expect(o).toBeDefined();
    expect(o.price).toBe(Math.floor(seen.price! * 100) / 100); // a buy limit moves down
    expect(o.qty).toBe(0.012); // quantity down to the lot
    expect(r.offGrid).toEqual({ policy: 'round', rounded: 1, refused: 0 });
  }, 30_000);

  it("with offGrid refuse it is refused and never sent; an order under the venue's minimum value is refused too", async () => {
    const seen: { price?: number; qty?: number } = {};
    const tiny: string[] = [];
    const inner = offGrid(seen);
    const def = { ...inner, create: (p: never) => {
      const placer = inner.create(p);
      return { onBook: (d: never, ctx: Context) => {
        placer.onBook!(d, ctx);
        if (tiny.length === 0 && ctx.book().mid() > 0) { const t = ctx.buy(0.001, { type: 'limit', price: px(ctx.book().mid() - 1) }); tiny.push(t.ok ? 'sent' : t.message); }
      } };
    } };
    const r = await loopbackRun(live({ offGrid: 'refuse', session: { maxSeconds: 2, maxEvents: 1e9 } }), def, { creds: creds('grid-refuse') });
    expect(tiny[0]).toMatch(/below the venue's minimum 0.5/);
    expect(r.rejections.byReason).toEqual({ 'invalid-quantity': 2 }); // 0.0123456 is off the lot; 0.001 × ~100 is under 0.5
    expect(r.offGrid).toEqual({ policy: 'refuse', rounded: 0, refused: 1 });
    expect(venue.exchange.spot.all().filter((x) => x.clientOrderId.startsWith(r.orders[0]?.id.split('-')[0] ?? '?'))).toEqual([]);
  }, 30_000);

  it('a config that contradicts the venue is refused, unless overrideInstrument', async () => {
    const def = once(() => {});
    const given = { exchange: 'binance', symbol: 'BTC/USDT', url: venue.url, instrument: { tickSize: 0.1, lotSize: 0.001 } };
    await expect(loopbackRun(live({ venue: given, session: { maxSeconds: 1 } }), def, { creds: creds('risk') }))
      .rejects.toThrow("BTC/USDT: the config contradicts the venue's market info: tickSize 0.1 (venue: 0.01); drop those settings");
    const r = await loopbackRun(live({ venue: { ...given, overrideInstrument: true }, session: { maxSeconds: 0.5, maxEvents: 1e9 } }), def, { creds: creds('risk') });
    expect(r.instruments[0]).toMatchObject({ tickSize: 0.1, lotSize: 0.001, minNotional: 0.5 });
  }, 30_000);
});

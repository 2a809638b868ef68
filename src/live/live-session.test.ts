import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from 'ccxt';
import { strategy as gridMm } from '../../strategies/grid-mm/index.ts';
import { defineInstrument } from '../core/instrument.ts';
import { CcxtExecution } from './ccxt-execution.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';
import { startSynthFeed, type SynthFeed } from './loopback/synth-feed.ts';
import { loopbackClient } from '../../test/loopback.ts';
import { loopbackConfig, loopbackRun } from '../../test/loopback-session.ts';
import type { Engine } from '../engine/engine.ts';
import type { SessionConfigInput } from '../config/session-config.ts';

let ex: LoopbackExchange;
let base: string;
let feed: SynthFeed;
const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });

beforeAll(async () => {
  ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['live-key', 'live-secret']]), balances: { USDT: 100_000, BTC: 1 } });
  feed = startSynthFeed(ex, { events: 1_200_000, seed: 9, perTick: 30, everyMs: 2 }); // ~80 s of market: it must outlast the file on a loaded machine
  base = await ex.listen();
});
afterAll(async () => {
  feed.stop();
  await ex?.close();
});

const client = () => loopbackClient(base, { apiKey: 'live-key', secret: 'live-secret' });

const creds = { apiKey: 'live-key', secret: 'live-secret' };
const live = (strategy: string, more: Partial<SessionConfigInput>) => loopbackConfig(base, 'live', strategy, more);
const gridParams = { size: 0.01, maxPosition: 0.05, offset: 40, spacing: 5, requote: 20 };

/** A live grid-mm session through runLive (the path of `lockstep live`). */
function session(maxEvents: number, o: { keepOrders?: boolean; record?: string; onStart?: (e: Engine) => void; params?: Partial<typeof gridParams> } = {}) {
  return loopbackRun(live('grid-mm', { params: { ...gridParams, ...o.params }, session: { maxEvents, keepOrders: o.keepOrders ?? false, ...(o.record ? { record: o.record } : {}) } }), gridMm, {
    creds, ...(o.onStart ? { onStart: o.onStart } : {}),
  });
}

describe('live order routing through ccxt against the loopback exchange', () => {
  it('places real orders; a restart adopts the open ones (none lost, none sent twice); the kill switch cancels them all and ends the session', async () => {
    // Quotes 3 USDT (300 ticks) away: the market this test sees (mid ~100, within ±1.7 over its first 300k events) never reaches them.
    // The first session quotes once and never moves its ladder, so its quotes are open at the exchange when it ends
    // (a ladder being moved has none open between the cancels' answers and the new quotes); the restart moves it.
    const far = { offset: 300 };
    const a = await session(1500, { keepOrders: true, params: { ...far, requote: 1e6 } });
    feed.paused = true; // freeze the market so the exchange and the engine can be compared
    try {
      await new Promise((r) => setTimeout(r, 20));
      const ccxtClient = await client();
      const openAfterA = await ccxtClient.fetchOpenOrders('BTC/USDT');
      expect(a.killSwitch).toBeNull();
      expect(a.fills).toHaveLength(0);
      expect(a.orders.length).toBeGreaterThan(0);
      expect(openAfterA.length).toBe(a.orders.length);
      // Nothing open at the exchange is unknown locally.
      const localOpen = new Set(a.orders.filter((o) => o.status === 'accepted').map((o) => o.id));
      for (const o of openAfterA) expect(localOpen.has(o.clientOrderId!)).toBe(true);

      let adopted: string[] = [];
      const b = await session(1e9, {
        params: far,
        onStart: (engine) => {
          adopted = engine.orders.map((o) => o.id);
          feed.paused = false;
          setTimeout(() => engine.kill('test: manual kill'), 1000);
        },
      });
      expect(adopted.sort()).toEqual(openAfterA.map((o) => o.clientOrderId).sort()); // adopted, not lost
      const ids = b.orders.map((o) => o.id);
      expect(new Set(ids).size).toBe(ids.length); // nothing sent twice
      const placedByB = b.orders.filter((o) => !adopted.includes(o.id));
      expect(placedByB.length).toBeGreaterThan(0); // the restart moved the ladder
      expect(placedByB.every((o) => !o.id.startsWith(a.orders[0].id.split('-')[0]))).toBe(true);
      // kill switch: every open order at the exchange is cancelled, and the session ended without waiting for maxSeconds
      expect(b.killSwitch?.reason).toBe('test: manual kill');
      expect(b.timing.totalSeconds).toBeLessThan(15);
      expect(await ccxtClient.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
      await ccxtClient.close();
    } finally {
      feed.paused = false; // a failure here must not leave the market frozen for the tests after it
    }
  }, 90_000);
});

describe('CcxtExecution replace', () => {
  it('an engine replace of an unfilled order becomes a cancel-replace at the exchange', async () => {
    const { Engine } = await import('../engine/engine.ts');
    const { MemoryLogger } = await import('../engine/logger.ts');
    const { LiveClock } = await import('./live-clock.ts');
    const c = await client();
    const clock = new LiveClock();
    const logger = new MemoryLogger(() => clock.now());
    const exec = new CcxtExecution(c as unknown as CcxtTrading, 'BTC/USDT', instrument, logger, { pollMillis: 50 });
    let ctx!: import('../engine/strategy.ts').Context;
    const engine = new Engine({ instruments: [instrument], cash: 1e6, venue: exec, clock, logger, orderIdPrefix: 'rp-', strategy: { onStart: (x) => { ctx = x; } } });
    engine.start();
    const book = ex.book();
    const far = Math.round((book.bestBid() - 50) * 100) / 100;
    const r = ctx.buy(0.01, { type: 'limit', price: far });
    expect(r.ok).toBe(true);
    const until = async (cond: () => Promise<boolean>) => { for (let k = 0; k < 200 && !(await cond()); k++) await new Promise((s) => setTimeout(s, 20)); };
    await until(async () => (await c.fetchOpenOrders('BTC/USDT')).some((o) => o.clientOrderId === 'rp-1'));
    const moved = Math.round((far - 1) * 100) / 100;
    expect(ctx.replace('rp-1', { price: moved }).ok).toBe(true);
    await until(async () => (await c.fetchOpenOrders('BTC/USDT')).some((o) => o.price === moved));
    const open = await c.fetchOpenOrders('BTC/USDT');
    expect(open.filter((o) => String(o.clientOrderId).startsWith('rp-1')).map((o) => o.price)).toEqual([moved]); // old one gone, one order at the new price
    engine.cancelOpenOrders();
    await exec.settle(5000);
    await exec.close();
    clock.close();
    await c.close();
  }, 30_000);
});

describe('CcxtExecution private order stream', () => {
  async function harness(exClient: CcxtTrading) {
    const { Engine } = await import('../engine/engine.ts');
    const { MemoryLogger } = await import('../engine/logger.ts');
    const { LiveClock } = await import('./live-clock.ts');
    const clock = new LiveClock();
    const logger = new MemoryLogger(() => clock.now());
    const exec = new CcxtExecution(exClient, 'BTC/USDT', instrument, logger, { pollMillis: 50 });
    let ctx!: import('../engine/strategy.ts').Context;
    const engine = new Engine({ instruments: [instrument], cash: 1e6, venue: exec, clock, logger, orderIdPrefix: `ps${Date.now() % 1e6}-`, strategy: { onStart: (x) => { ctx = x; } } });
    engine.start();
    const until = async (cond: () => boolean) => { for (let k = 0; k < 250 && !cond(); k++) await new Promise((s) => setTimeout(s, 20)); };
    const stop = async () => { engine.cancelOpenOrders(); await exec.settle(5000); await exec.close(); clock.close(); };
    return { exec, engine, ctx: () => ctx, until, logger, stop };
  }

  it('the orders left open at the end are counted after the last look: a cancel whose reply was lost, read as open for a while, counts as ended', async () => {
    const c = await client();
    let stale = false;
    const lossy = new Proxy(c, {
      get(t, k) {
        const target = t as unknown as Record<string | symbol, unknown>;
        if (k === 'watchOrders') return undefined; // polls only: the venue's late reads decide
        if (k === 'cancelOrder') {
          return async (...a: unknown[]) => {
            await (target.cancelOrder as (...x: unknown[]) => Promise<unknown>).apply(t, a);
            stale = true;
            throw new NetworkError('reply lost on the way back'); // executed at the venue
          };
        }
        if (k === 'fetchOrder') {
          return async (...a: unknown[]) => {
            const o = await (target.fetchOrder as (...x: unknown[]) => Promise<Record<string, unknown>>).apply(t, a);
            return stale ? { ...o, status: 'open' } : o;
          };
        }
        const v = target[k];
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
      },
    });
    const h = await harness(lossy as unknown as CcxtTrading);
    const far = h.ctx().buy(0.01, { type: 'limit', price: Math.round((ex.book().bestBid() - 50) * 100) / 100 });
    expect(far.ok).toBe(true);
    const id = far.ok ? far.order.id : '';
    await h.until(() => h.engine.openOrders().some((o) => o.id === id && o.status === 'accepted'));
    h.engine.cancelOpenOrders();
    expect(await h.exec.settle(200)).toEqual([id]); // the venue still reads it as open
    stale = false; // its reads catch up just as the session ends
    expect(await h.exec.close()).toEqual([]); // the last look sees it cancelled
    expect((await c.fetchOpenOrders('BTC/USDT')).filter((o) => o.clientOrderId === id)).toEqual([]);
    await h.stop();
    await c.close();
  }, 30_000);

  it('fills and cancels arrive through watchOrders (user-data stream); the fill carries the exchange fee', async () => {
    const c = await client();
    const h = await harness(c as unknown as CcxtTrading);
    await new Promise((s) => setTimeout(s, 300)); // the user-data subscription is made
    const book = ex.book();
    const buy = h.ctx().buy(0.01, { type: 'limit', price: Math.round((book.bestAsk() + 5) * 100) / 100 });
    const far = h.ctx().buy(0.01, { type: 'limit', price: Math.round((book.bestBid() - 50) * 100) / 100 });
    expect(buy.ok && far.ok).toBe(true);
    await h.until(() => h.engine.fills.length > 0);
    await new Promise((s) => setTimeout(s, 100));
    h.ctx().cancel(far.ok ? far.order.id : '');
    await h.until(() => far.ok && far.order.status === 'cancelled');
    expect(h.exec.streamUp).toBe(true);
    expect(h.exec.updates.stream).toBeGreaterThan(0);
    const f = h.engine.fills[0];
    // The loopback charges 0.1% of notional, in USDT.
    expect(f.fee).toBeCloseTo(0.001 * f.price * f.qty, 9);
    expect(far.ok && far.order.status).toBe('cancelled');
    await h.stop();
    await c.close();
  }, 30_000);

  it('without a working stream, REST polling follows the orders', async () => {
    const c = await client();
    const broken = Object.create(c) as CcxtTrading;
    const { NetworkError } = await import('ccxt');
    broken.watchOrders = async () => { throw new NetworkError('stream refused'); };
    const h = await harness(broken);
    const book = ex.book();
    const buy = h.ctx().buy(0.01, { type: 'limit', price: Math.round((book.bestAsk() + 5) * 100) / 100 });
    expect(buy.ok).toBe(true);
    await h.until(() => h.engine.fills.length > 0);
    expect(h.engine.fills).toHaveLength(1);
    expect(h.exec.streamUp).toBe(false);
    expect(h.exec.updates.stream).toBe(0);
    await h.stop();
    await c.close();
  }, 30_000);
});

describe('parity of a live session', () => {
  it('the replay starts from the reconciled account; the first decisions match and every difference is attributed', async () => {
    const { replaySession } = await import('../session/replay-session.ts');
    const { tempDir } = await import('../../test/tmp.ts');
    const record = tempDir().file('live-session');
    const before = await (await client()).fetchBalance();
    // Long enough for the mid to move the ladder at least once, even on a loaded machine.
    const a = await session(20_000, { record });
    expect(a.orders.length).toBeGreaterThan(3);
    const start = JSON.parse((await import('node:fs')).readFileSync(`${record}/start.json`, 'utf8'));
    // The account the strategy started from is the exchange's (independent: ccxt's balance call).
    expect(start.position).toBeCloseTo(Number((before.BTC as { total: number }).total), 9);
    const p = await replaySession(record);
    expect(p.mode).toBe('live');
    expect(p.matchedOrders).toBeGreaterThan(0);
    expect(p.unexplained).toBe(0);
    // Nothing adopted at start is counted as this session's decision.
    expect(p.liveOrders).toBe(a.orders.filter((o) => !start.adoptedOrders.includes(o.id)).length);
  }, 60_000);
});

describe('order types at the venue: native or emulated, never converted', () => {
  /** Buys 0.02 at market, then on the fill that makes the position at least 0.01 places a stop, a stop-limit, a reduce-only limit and a DAY limit far from the market. */
  async function script() {
    const { defineStrategy } = await import('../engine/strategy.ts');
    const { z } = await import('zod');
    const events = new Map<string, string[]>();
    const ids: Record<string, string> = {};
    const def = defineStrategy({
      name: 'order-types', description: 'places one order of each kind', params: z.strictObject({}),
      create: () => {
        let started = false;
        const place = (ctx: import('../engine/strategy.ts').Context, ref: number) => {
          const px = (x: number) => Math.round(x * 100) / 100;
          const put = (name: string, r: import('../core/order.ts').SubmitResult) => { if (r.ok) ids[name] = r.order.id; else throw new Error(`${name}: ${r.message}`); };
          put('stop', ctx.buy(0.01, { type: 'stop', stopPrice: px(ref + 50) }));
          put('stopLimit', ctx.sell(0.01, { type: 'stop-limit', stopPrice: px(ref - 50), price: px(ref - 51) }));
          put('reduceOnly', ctx.sell(0.01, { type: 'limit', price: px(ref + 60), reduceOnly: true }));
          put('day', ctx.buy(0.01, { type: 'limit', price: px(ref - 60), tif: 'DAY' }));
        };
        return {
          onBook: (_d, ctx) => { if (!started && ctx.book().mid() > 0) { started = true; ctx.buy(0.02); } },
          onBar: (_b, ctx) => { if (!started) { started = true; ctx.buy(0.02); } },
          // Once the position covers the reduce-only sell: the market buy may fill in parts (a paper venue walks the book).
          onFill: (f, ctx) => { if (ids.stop === undefined && ctx.position() >= 0.01 - 1e-9) place(ctx, f.price); },
          onOrder: (e) => { const l = events.get(e.order.id) ?? []; l.push(e.kind); events.set(e.order.id, l); },
        };
      },
    });
    return { def, events, ids };
  }

  /** Events each order saw before the end of the session (which cancels what is left). */
  const untilEnd = (events: Map<string, string[]>, id: string) => (events.get(id) ?? []).filter((k) => k !== 'pending-cancel' && k !== 'cancelled');

  it('live through ccxt: the stop-limit goes out as STOP_LOSS_LIMIT; stop, reduce-only and DAY are emulated; the events are those of a backtest', async () => {
    const { def, events, ids } = await script();
    const r = await loopbackRun(live('order-types', { session: { maxSeconds: 2.5, maxEvents: 1e9 } }), def, { creds });
    const byId = (id: string) => r.orders.find((o) => o.id === id)!;
    expect(byId(ids.stop).emulated).toEqual(['stop']);
    expect(byId(ids.stopLimit).emulated).toEqual([]);
    expect(byId(ids.reduceOnly).emulated).toEqual(['reduce-only']);
    expect(byId(ids.day).emulated).toEqual(['DAY']);
    const atVenue = new Map(ex.spot.all().map((o) => [o.clientOrderId, o]));
    expect(atVenue.has(ids.stop)).toBe(false); // held by the engine until it triggers
    expect(atVenue.get(ids.stopLimit)).toMatchObject({ type: 'STOP_LOSS_LIMIT', side: 'sell', timeInForce: 'GTC' });
    expect(atVenue.get(ids.stopLimit)!.stopPrice).toBe(byId(ids.stopLimit).stopPrice);
    expect(atVenue.get(ids.reduceOnly)).toMatchObject({ type: 'LIMIT', timeInForce: 'GTC' });
    expect(atVenue.get(ids.day)).toMatchObject({ type: 'LIMIT', timeInForce: 'GTC' }); // expired by the engine at midnight
    for (const name of ['stop', 'stopLimit', 'reduceOnly', 'day']) expect(untilEnd(events, ids[name])).toEqual(['submitted', 'accepted']);
    // Every order still open at the end was cancelled at the venue.
    expect(ex.spot.all().filter((o) => Object.values(ids).includes(o.clientOrderId) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))).toEqual([]);
  }, 30_000);

  it('paper (simulated L2 venue) and a backtest configured like Binance spot show the same events', async () => {
    const paper = await script();
    const r = await loopbackRun(loopbackConfig(base, 'paper', 'order-types', { session: { maxSeconds: 2, maxEvents: 1e9 } }), paper.def, { creds });
    const byId = (id: string) => r.orders.find((o) => o.id === id)!;
    expect(byId(paper.ids.stop).emulated).toEqual([]); // the simulated venue carries stops
    expect(byId(paper.ids.reduceOnly).emulated).toEqual(['reduce-only']);
    expect(byId(paper.ids.day).emulated).toEqual(['DAY']);
    const { runBacktest } = await import('../session/run-backtest.ts');
    const { dailyBars } = await import('../../test/bars.ts');
    const bt = await script();
    await runBacktest(
      { strategy: 'order-types', data: [{ file: 'memory', instrument: { symbol: 'BTCUSDT', tickSize: 0.01, lotSize: 0.001 } }], cash: 100_000, emulate: ['stop', 'DAY', 'reduce-only'] },
      { strategy: bt.def, feeds: [[dailyBars([[20_000, 20_000, 20_000, 20_000, 10], [20_000, 20_000, 20_000, 20_000, 10], [20_000, 20_000, 20_000, 20_000, 10]])]] },
    );
    for (const name of ['stop', 'stopLimit', 'reduceOnly', 'day']) {
      expect(untilEnd(paper.events, paper.ids[name])).toEqual(['submitted', 'accepted']);
      expect(untilEnd(bt.events, bt.ids[name]).slice(0, 2)).toEqual(['submitted', 'accepted']);
    }
  }, 30_000);
});

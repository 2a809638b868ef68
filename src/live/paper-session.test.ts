import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { replayCommand } from '../cli/replay-command.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategy as gridMm } from '../../strategies/grid-mm/index.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';
import { startSynthFeed, type SynthFeed } from './loopback/synth-feed.ts';
import { loopbackConfig, loopbackRun } from '../../test/loopback-session.ts';
import type { SessionConfigInput } from '../config/session-config.ts';

let ex: LoopbackExchange;
let base: string;
let feed: SynthFeed;
let feedStarted = 0;

beforeAll(async () => {
  ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]), balances: {} });
  feed = startSynthFeed(ex, { events: 200_000, seed: 3, perTick: 40, everyMs: 2 });
  feedStarted = Date.now();
  base = await ex.listen();
});
afterAll(async () => {
  feed.stop();
  await ex?.close();
});

const tmp = tempDir();
const paper = (strategy: string, more: Partial<SessionConfigInput>) => loopbackConfig(base, 'paper', strategy, more);

describe('paper session against the loopback exchange through ccxt.pro', () => {
  it('a stale feed cancels open orders and pauses trading until data flows again; clock skew is measured', async () => {
    setTimeout(() => { feed.paused = true; }, 500);
    setTimeout(() => { feed.paused = false; }, 1700);
    const record = tmp.file('stale-session');
    const r = await loopbackRun(paper('grid-mm', { params: { size: 0.01, offset: 30 }, session: { maxSeconds: 2.5, maxEvents: 1e9, staleMillis: 400, record } }), gridMm);
    feed.paused = false;
    expect(r.live.staleEpisodes).toBeGreaterThanOrEqual(1);
    const msgs = r.logs.map((x) => x.message);
    expect(msgs).toContain('trading paused');
    expect(msgs).toContain('trading resumed');
    expect(msgs.indexOf('trading paused')).toBeLessThan(msgs.lastIndexOf('trading resumed'));
    expect(Math.abs(r.live.clockSkewMs)).toBeLessThan(1000);
    // The episode is recorded, and the replay pauses, cancels and resumes where the session did.
    const { recordedControls } = await import('../data/session-files.ts');
    expect(recordedControls(record).map((c) => c.kind)).toEqual(['pause', 'resume']);
    expect(r.orders.filter((o) => o.status === 'cancelled').length).toBeGreaterThan(0);
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.replayOrders).toBe(r.orders.length);
    expect(parity.differences).toEqual([]);
  }, 30_000);

  it('a kill signal trips the kill switch: open orders cancelled, the position flattened at market, the session ended', async () => {
    // Buys 0.05 at market on the first book, then rests a bid far below: something to cancel and something to flatten.
    const { defineStrategy } = await import('../engine/strategy.ts');
    const { z } = await import('zod');
    const def = defineStrategy({
      name: 'long-and-bid', description: 'a position and a resting bid', params: z.strictObject({}),
      create: () => {
        let sent = false;
        return {
          onBook: (_d, ctx) => {
            const mid = ctx.book().mid();
            if (sent || !(mid > 0)) return;
            sent = true;
            ctx.buy(0.05);
            ctx.buy(0.01, { type: 'limit', price: Math.round((mid - 500) * 100) / 100 });
          },
        };
      },
    });
    setTimeout(() => process.emit('SIGUSR2' as never, 'SIGUSR2' as never), 800);
    const t0 = Date.now();
    const record = tmp.file('killed-session');
    const r = await loopbackRun(paper('long-and-bid', { session: { maxSeconds: 20, maxEvents: 1e9, record } }), def, { killSignals: ['SIGUSR2'] });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.killSwitch?.reason).toBe('signal SIGUSR2');
    expect(r.killSwitch?.policy).toBe('flatten');
    expect(r.orders.filter((o) => o.status === 'accepted')).toHaveLength(0); // the resting bid was cancelled
    // Independent of the engine's position: the fills' signed quantities sum to zero.
    const net = r.fills.reduce((s, f) => s + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(net).toBeCloseTo(0, 9);
    expect(r.fills.filter((f) => f.side === 'sell').map((f) => f.qty).reduce((a, b) => a + b, 0)).toBeCloseTo(0.05, 9);
    expect(r.killSwitch?.openPositions).toEqual({});
    expect(r.orders.find((o) => o.tag === 'kill-switch:flatten')?.reduceOnly).toBe(true);
    // The kill is recorded, and the replay trips it at the same point: the same cancel and flatten.
    const { recordedControls } = await import('../data/session-files.ts');
    expect(recordedControls(record).map((c) => [c.kind, c.reason])).toEqual([['kill', 'signal SIGUSR2']]);
    const { replaySession } = await import('../session/replay-session.ts');
    const parity = await replaySession(record, { strategy: def });
    expect(parity.replayOrders).toBe(r.orders.length);
    expect(parity.differences).toEqual([]);
  }, 30_000);

  it('with onKill cancel the kill switch leaves the position open and reports it', async () => {
    const { defineStrategy } = await import('../engine/strategy.ts');
    const { z } = await import('zod');
    const def = defineStrategy({
      name: 'long', description: 'buys once', params: z.strictObject({}),
      create: () => {
        let sent = false;
        return { onBook: (_d, ctx) => { if (!sent && ctx.book().mid() > 0) { sent = true; ctx.buy(0.03); } } };
      },
    });
    setTimeout(() => process.emit('SIGUSR2' as never, 'SIGUSR2' as never), 800);
    const r = await loopbackRun(paper('long', { onKill: 'cancel', session: { maxSeconds: 20, maxEvents: 1e9 } }), def, { killSignals: ['SIGUSR2'] });
    expect(r.killSwitch?.policy).toBe('cancel');
    expect(r.killSwitch?.flattenOrders).toBe(0);
    expect(r.killSwitch?.openPositions).toEqual({ 'BTCUSDT.BINANCE': 0.03 });
    expect(r.fills.map((f) => f.side)).toEqual(['buy']);
  }, 30_000);

  it('grid-mm — the same strategy module as in backtests — quotes and gets paper fills from the live book', async () => {
    const record = tmp.file('session');
    const r = await loopbackRun(paper('grid-mm', { params: { size: 0.01, maxPosition: 0.1 }, session: { maxEvents: 4000, maxSeconds: 20, record } }), gridMm);
    // The recording replays through the backtester: same events, same strategy module.
    const replay = await runBacktest({ strategy: 'grid-mm', params: { size: 0.01, maxPosition: 0.1 }, data: [{ file: record, instrument: { symbol: 'BTCUSDT', lotSize: 0.001 } }], cash: 100_000, onCrossedBook: 'ignore' }, { strategy: gridMm });
    expect(replay.events).toBe(r.events);
    expect(replay.orders.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(record, 'summary.json'), 'utf8')).events).toBe(r.events);
    // Parity: the replay of the recording takes the same decisions with the same fills.
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.orders.length);
    expect(parity.unexplained).toBe(0);
    expect(parity.differences).toEqual([]);
    expect(r.events).toBeGreaterThan(1000);
    expect(r.orders.length).toBeGreaterThan(6);
    expect(r.orders.every((o) => o.postOnly)).toBe(true);
    expect(r.fills.length).toBeGreaterThan(0);
    expect(Math.abs(r.positions[0].qty)).toBeLessThanOrEqual(0.1 + 1e-9);
  }, 60_000);
});

describe('replay uses the stored config verbatim', () => {
  it('interpolated latency (a file) and the probabilistic queue with its power round-trip; the replay matches', async () => {
    const { sessionRunConfig } = await import('../session/replay-session.ts');
    const now = Date.now() * 1000;
    const latency = tmp.file('latency.csv', `timestamp,entry,response\n${now - 3_600e6},200,300\n${now + 3_600e6},400,500\n`);
    const record = tmp.file('latency-session');
    const r = await loopbackRun(paper('grid-mm', {
      params: { size: 0.01, maxPosition: 0.1 }, latency: { file: latency }, queue: 'probabilistic', queuePower: 3, session: { maxEvents: 3000, maxSeconds: 20, record },
    }), gridMm);
    const stored = JSON.parse(readFileSync(join(record, 'session.json'), 'utf8'));
    const replayCfg = sessionRunConfig(record, stored);
    expect(replayCfg.latency).toEqual({ file: latency });
    expect(replayCfg).toMatchObject({ queue: 'probabilistic', queuePower: 3 });
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.orders.length);
    // A paper session's time is its events' receive stamps: its replay matches it exactly, fills included.
    expect(parity.differences).toEqual([]);
  }, 60_000);

  it('a strategy slower than the latency (1 ms per book update against 200–500 µs) replays with no differences: the paper venue runs on event time, not on the lagging wall clock', async () => {
    const now = Date.now() * 1000;
    const latency = tmp.file('slow-latency.csv', `timestamp,entry,response\n${now - 3_600e6},200,300\n${now + 3_600e6},400,500\n`);
    const record = tmp.file('slow-session');
    const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };
    // grid-mm, with every book update taking 1 ms of CPU before it decides (a loaded machine, a heavy model).
    const slow = { ...gridMm, create: (p: never) => { const s = gridMm.create(p); return { ...s, onBook: (d: never, ctx: never) => { busy(1); s.onBook!(d, ctx); } }; } };
    const r = await loopbackRun(paper('grid-mm', {
      params: { size: 0.01, maxPosition: 0.1 }, latency: { file: latency }, queue: 'probabilistic', queuePower: 3, session: { maxEvents: 2000, maxSeconds: 20, record },
    }), slow as typeof gridMm);
    expect(r.fills.length).toBeGreaterThan(5);
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.orders.length);
    expect(parity.differences).toEqual([]);
  }, 60_000);
});

describe('a paper session\'s time', () => {
  it('a timer set in onStart from now() falls due at the same point of the market in the replay (the replay\'s clock starts at the session\'s start)', async () => {
    const { defineStrategy } = await import('../engine/strategy.ts');
    const { z } = await import('zod');
    let startedAt = 0;
    const def = defineStrategy({
      name: 'timed-bid', description: 'bids once at the best bid, 300 ms after it starts', params: z.strictObject({}),
      create: () => ({
        onStart: (ctx) => { startedAt = ctx.now(); ctx.setTimer('bid', ctx.now() + 300_000); },
        onTimer: (_t, ctx) => {
          const bid = ctx.book().bestBid();
          if (Number.isFinite(bid)) ctx.buy(0.01, { type: 'limit', price: bid, postOnly: true });
        },
      }),
    });
    const record = tmp.file('timed-session');
    const before = Date.now() * 1000;
    const r = await loopbackRun(paper('timed-bid', { cash: 1000, session: { maxSeconds: 1.5, maxEvents: 1e9, record } }), def);
    expect(startedAt).toBeGreaterThanOrEqual(before - 1e6); // the session's start, not the epoch
    expect(r.orders).toHaveLength(1);
    const { replaySession } = await import('../session/replay-session.ts');
    const parity = await replaySession(record, { strategy: def });
    expect(parity.replayOrders).toBe(1);
    expect(parity.differences).toEqual([]);
  }, 30_000);
});

describe('paper session with stops, replaces and brackets', () => {
  it('trailing-breakout (bracket exits, a trailing stop moved by replace) replays with zero unexplained differences', async () => {
    const { strategy: breakout } = await import('../../strategies/trailing-breakout/index.ts');
    const seen = new Map<string, number>();
    // The same strategy, counting the lifecycle events it is told about.
    const counted = { ...breakout, create: (p: never) => ({ ...breakout.create(p), onOrder: (e: { kind: string }) => { seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1); } }) };
    const record = tmp.file('breakout-session');
    const params = { lookback: 30, size: 0.01, stopTicks: 20, targetTicks: 60, trailTicks: 10 };
    const r = await loopbackRun(paper('trailing-breakout', { params, session: { maxEvents: 12_000, maxSeconds: 25, record } }), counted);
    const tags = r.orders.map((o) => o.tag);
    expect(tags.filter((t) => t === 'breakout:entry').length).toBeGreaterThan(1);
    expect(tags.filter((t) => t === 'breakout:stop-loss').length).toBeGreaterThan(0);
    expect(seen.get('triggered') ?? 0).toBeGreaterThan(0); // stops did trigger
    expect(seen.get('updated') ?? 0).toBeGreaterThan(0); // the trailing stop was moved
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.orders.length);
    expect(parity.matchedOrders).toBe(r.orders.length);
    expect(parity.unexplained).toBe(0);
    expect(parity.differences).toEqual([]);
  }, 60_000);
});

describe('quotes and bars in live sessions', () => {
  it('book-ticker quotes reach onQuote and closed 1 s klines reach onBar, once each, and are recorded', async () => {
    const { defineStrategy } = await import('../engine/strategy.ts');
    const { z } = await import('zod');
    const quotes: [number, number][] = [];
    const bars: { ts: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
    const def = defineStrategy({
      name: 'watcher', description: 'records quotes and bars', params: z.strictObject({}),
      create: () => ({
        onQuote: (q) => { quotes.push([q.bidPrice, q.askPrice]); },
        onBar: (b) => { bars.push({ ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }); },
      }),
    });
    const record = tmp.file('quotes-bars');
    await loopbackRun(paper('watcher', { cash: 1000, venue: { exchange: 'binance', symbol: 'BTC/USDT', url: base, quotes: true, bars: '1s' }, session: { maxSeconds: 2.5, maxEvents: 1e9, record } }), def);
    expect(quotes.length).toBeGreaterThan(10);
    for (const [bid, ask] of quotes) expect(bid).toBeLessThan(ask);
    expect(bars.length).toBeGreaterThan(1);
    for (const b of bars) {
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.volume).toBeGreaterThan(0);
    }
    for (let k = 1; k < bars.length; k++) expect(bars[k].ts).toBeGreaterThan(bars[k - 1].ts);
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(record);
    expect(files.some((f) => f.startsWith('quotes-'))).toBe(true);
    expect(files).toContain('bars-00000.parquet');
    // The recorded bars are the ones the strategy got, at the times it got them.
    const { readParquetColumns } = await import('../data/parquet-read.ts');
    const { recordedBarFiles } = await import('../data/session-files.ts');
    const close: number[] = [];
    const ts: number[] = [];
    for (const f of await recordedBarFiles(record)) {
      const c = (await readParquetColumns(f, { time: ['timestamp'] })).columns as Record<string, Float64Array>;
      close.push(...c.close);
      ts.push(...c.timestamp);
    }
    expect(close).toEqual(bars.map((b) => b.close));
    expect(ts).toEqual(bars.map((b) => b.ts));
  }, 30_000);

  it('a bar strategy\'s paper session (sma-cross on 1 s klines) replays with the same orders: its bars are replayed where they arrived among the ticks', async () => {
    const { strategy: smaCross } = await import('../../strategies/sma-cross/index.ts');
    // A market some seconds old, so the session finds closed 1 s candles to warm up with.
    await new Promise((r) => setTimeout(r, Math.max(0, feedStarted + 3500 - Date.now())));
    const record = tmp.file('bars-session');
    const r = await loopbackRun(paper('sma-cross', {
      params: { period: 2, size: 0.01 }, venue: { exchange: 'binance', symbol: 'BTC/USDT', url: base, bars: '1s' }, session: { maxSeconds: 7, maxEvents: 1e9, record },
    }), smaCross);
    // At least one decision on a live bar (a loaded machine sees fewer bars' crosses); without the bars, the replay makes none.
    expect(r.orders.length).toBeGreaterThan(0);
    const { recordedWarmUp } = await import('../data/session-files.ts');
    const warm = await recordedWarmUp(record);
    // The loopback has been trading for a while: the strategy was warmed up with closed 1 s candles, and the replay is warmed up with the same ones.
    expect(warm?.length).toBe(2);
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.events).toBe(r.events); // ticks and bars alike
    expect(parity.replayOrders).toBe(r.orders.length);
    expect(parity.differences).toEqual([]);
  }, 30_000);
});

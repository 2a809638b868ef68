import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import { replayCommand } from '../cli/replay-command.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategy as gridMm } from '../../strategies/grid-mm/index.ts';
import { defineInstrument } from '../core/instrument.ts';
import { makerTakerFee } from '../sim/fee-model.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';
import { startSynthFeed, type SynthFeed } from './loopback/synth-feed.ts';
import { loopbackClient } from '../../test/loopback.ts';
import { runPaperSession, type MarketStreams } from './paper-session.ts';

let ex: LoopbackExchange;
let base: string;
let feed: SynthFeed;

beforeAll(async () => {
  ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]), balances: {} });
  feed = startSynthFeed(ex, { events: 200_000, seed: 3, perTick: 40, everyMs: 2 });
  base = await ex.listen();
});
afterAll(async () => {
  feed.stop();
  await ex?.close();
});

const tmp = tempDir();

describe('paper session against the loopback exchange through ccxt.pro', () => {
  it('a stale feed cancels open orders and pauses trading until data flows again; clock skew is measured', async () => {
    const c = await loopbackClient(base);
    const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
    setTimeout(() => { feed.paused = true; }, 500);
    setTimeout(() => { feed.paused = false; }, 1700);
    const r = await runPaperSession({
      strategy: gridMm, params: gridMm.params.parse({ size: 0.01, offset: 30 }), exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT',
      instrument, cash: 100_000, fees: makerTakerFee(0, 0.001), maxMillis: 2500, staleMillis: 400, exchangeTime: () => c.fetchTime() as Promise<number>,
    });
    feed.paused = false;
    expect(r.staleEpisodes).toBeGreaterThanOrEqual(1);
    const msgs = r.logger.records.map((x) => x.message);
    expect(msgs).toContain('trading paused');
    expect(msgs).toContain('trading resumed');
    expect(msgs.indexOf('trading paused')).toBeLessThan(msgs.lastIndexOf('trading resumed'));
    expect(Math.abs(r.clockSkewMs)).toBeLessThan(1000);
  }, 30_000);

  it('a kill signal trips the kill switch and ends the session', async () => {
    const c = await loopbackClient(base);
    const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
    setTimeout(() => process.emit('SIGUSR2' as never, 'SIGUSR2' as never), 500);
    const t0 = Date.now();
    const r = await runPaperSession({
      strategy: gridMm, params: gridMm.params.parse({ size: 0.01 }), exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT',
      instrument, cash: 100_000, fees: makerTakerFee(0, 0.001), maxMillis: 20_000, killSignals: ['SIGUSR2'],
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.engine.killReason).toBe('signal SIGUSR2');
    expect(r.engine.orders.filter((o) => o.status === 'accepted')).toHaveLength(0); // all cancelled
  }, 30_000);

  it('grid-mm — the same strategy module as in backtests — quotes and gets paper fills from the live book', async () => {
    const c = await loopbackClient(base);
    const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
    const record = tmp.file('session');
    const r = await runPaperSession({
      strategy: gridMm, params: gridMm.params.parse({ size: 0.01, maxPosition: 0.1 }), exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT',
      instrument, cash: 100_000, fees: makerTakerFee(0, 0.001), maxEvents: 4000, maxMillis: 20_000, record,
    });
    // The recording replays through the backtester: same events, same strategy module.
    const replay = await runBacktest({ strategy: 'grid-mm', params: { size: 0.01, maxPosition: 0.1 }, data: [{ file: record, instrument: { symbol: 'BTCUSDT', lotSize: 0.001 } }], cash: 100_000, onCrossedBook: 'ignore' }, { strategy: gridMm });
    expect(replay.events).toBe(r.events);
    expect(replay.orders.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(record, 'summary.json'), 'utf8')).events).toBe(r.events);
    // Parity: the replay of the recording takes the same decisions with the same fills.
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.engine.orders.length);
    expect(parity.unexplained).toBe(0);
    expect(parity.differences).toEqual([]);
    expect(r.events).toBeGreaterThan(1000);
    expect(r.engine.orders.length).toBeGreaterThan(6);
    expect(r.engine.orders.every((o) => o.postOnly)).toBe(true);
    expect(r.engine.fills.length).toBeGreaterThan(0);
    expect(Math.abs(r.engine.portfolio.position(0))).toBeLessThanOrEqual(0.1 + 1e-9);
  }, 60_000);
});

describe('paper session with stops, replaces and brackets', () => {
  it('trailing-breakout (bracket exits, a trailing stop moved by replace) replays with zero unexplained differences', async () => {
    const { strategy: breakout } = await import('../../strategies/trailing-breakout/index.ts');
    const seen = new Map<string, number>();
    // The same strategy, counting the lifecycle events it is told about.
    const counted = { ...breakout, create: (p: never) => ({ ...breakout.create(p), onOrder: (e: { kind: string }) => { seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1); } }) };
    const c = await loopbackClient(base);
    const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
    const record = tmp.file('breakout-session');
    const params = { lookback: 30, size: 0.01, stopTicks: 20, targetTicks: 60, trailTicks: 10 };
    const r = await runPaperSession({
      strategy: counted, params: breakout.params.parse(params), exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT',
      instrument, cash: 100_000, fees: makerTakerFee(0, 0.001), maxEvents: 12_000, maxMillis: 25_000, record,
    });
    const tags = r.engine.orders.map((o) => o.tag);
    expect(tags.filter((t) => t === 'breakout:entry').length).toBeGreaterThan(1);
    expect(tags.filter((t) => t === 'breakout:stop-loss').length).toBeGreaterThan(0);
    expect(seen.get('triggered') ?? 0).toBeGreaterThan(0); // stops did trigger
    expect(seen.get('updated') ?? 0).toBeGreaterThan(0); // the trailing stop was moved
    let out = '';
    await replayCommand([record, '--json'], (x) => { out += x; });
    const parity = JSON.parse(out);
    expect(parity.liveOrders).toBe(r.engine.orders.length);
    expect(parity.matchedOrders).toBe(r.engine.orders.length);
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
    const c = await loopbackClient(base);
    const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
    const record = tmp.file('quotes-bars');
    await runPaperSession({
      strategy: def, params: {}, exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT', instrument, cash: 1000, fees: makerTakerFee(0, 0.001),
      maxMillis: 2500, quotes: true, barTimeframe: '1s', record,
    });
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
    expect(files).toContain('bars.parquet');
  }, 30_000);
});

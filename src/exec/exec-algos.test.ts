import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackSession, startLoopback } from '../../test/loopback-session.ts';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { synthL2 } from '../data/synth-l2.ts';
import { writeTickParquet } from '../data/tick-parquet.ts';
import type { TradeBatch } from '../data/tick-batch.ts';
import { defineStrategy } from '../engine/strategy.ts';
import { z } from 'zod';
import { Executor, type ExecAlgo, type ExecReport } from './exec-algo.ts';
import { implementationShortfall } from './implementation-shortfall.ts';
import { Iceberg, Pov } from './participation-algos.ts';
import { Twap, volumeProfile, Vwap } from './schedule-algos.ts';

const tmp = tempDir();
let dir = '';
let trades: TradeBatch;

beforeAll(async () => {
  dir = tmp.file('l2');
  mkdirSync(dir);
  // ~40 s of synthetic L2 + trades (one chunk).
  for (const c of synthL2({ events: 200_000, seed: 17 })) {
    await writeTickParquet(join(dir, 'deltas-00000.parquet'), { kind: 'deltas', batch: c.deltas });
    await writeTickParquet(join(dir, 'trades-00000.parquet'), { kind: 'trades', batch: c.trades });
    trades = c.trades;
  }
});

/** Runs one algorithm, started on the first complete book, inside a strategy that only forwards callbacks. */
async function execute(make: () => ExecAlgo) {
  let report: ExecReport | undefined;
  const exec = new Executor();
  let started = false;
  const def = defineStrategy({
    name: 'exec-harness', description: 'runs one execution algorithm', params: z.strictObject({}),
    create: () => ({
      onBook(_d, ctx) {
        if (!started && ctx.book().mid() > 0) { started = true; exec.start(make(), ctx); }
      },
      onTrade: (t, ctx) => exec.onTrade(t, ctx),
      onTimer: (t, ctx) => exec.onTimer(t, ctx),
      onOrder: (o, ctx) => exec.onOrder(o, ctx),
      onFill: (f, ctx) => exec.onFill(f, ctx),
      onStop: () => { report = exec.reports()[0]; },
    }),
  });
  const r = await runBacktest({
    strategy: 'exec-harness', cash: 1e7, latency: { entryMicros: 200, responseMicros: 200 }, queue: 'probabilistic',
    commission: { type: 'maker-taker', maker: -0.0001, taker: 0.0005 },
    data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }],
  }, { strategy: def });
  return { r, report: report! };
}

describe('implementation shortfall', () => {
  it('matches a hand calculation for a partly filled buy', () => {
    // Arrival 100; bought 3 @ 100.5 and 2 @ 101 (fees 0.2) of 10; end price 102.
    // execution 3·0.5 + 2·1 = 3.5; opportunity 5·2 = 10; total 13.7 → 13.7 / (10·100) = 137 bps
    const s = implementationShortfall('buy', 100, 10, [{ price: 100.5, qty: 3, fee: 0.1 }, { price: 101, qty: 2, fee: 0.1 }], 102);
    expect(s.executionCost).toBeCloseTo(3.5, 12);
    expect(s.opportunityCost).toBeCloseTo(10, 12);
    expect(s.total).toBeCloseTo(13.7, 12);
    expect(s.bps).toBeCloseTo(137, 9);
    expect(s.avgPrice).toBeCloseTo(100.7, 12);
  });

  it('a sell above arrival is a gain (negative cost)', () => {
    const s = implementationShortfall('sell', 100, 1, [{ price: 100.2, qty: 1, fee: 0 }], 100.2);
    expect(s.total).toBeCloseTo(-0.2, 12);
    expect(s.bps).toBeCloseTo(-20, 9);
  });
});

describe('execution algorithms on L2 data', () => {
  it('TWAP: equal child orders at start + k·Δ, all filled, shortfall recomputed from the fills', async () => {
    const { r, report } = await execute(() => new Twap('twap', { side: 'buy', qty: 1, durationSeconds: 10, slices: 5 }));
    const children = r.orders.filter((o) => o.tag === 'twap');
    expect(children.map((o) => o.qty)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    const t0 = children[0].createdTs;
    children.forEach((o, k) => {
      // Slices fire on the first event at or after their time (events are ~200 µs apart).
      expect(o.createdTs - (t0 + k * 2e6)).toBeGreaterThanOrEqual(0);
      expect(o.createdTs - (t0 + k * 2e6)).toBeLessThan(20_000);
    });
    expect(report.filledQty).toBeCloseTo(1, 9);
    expect(report.done).toBe(true);
    const fills = r.fills.filter((f) => children.some((o) => o.id === f.orderId));
    const vwap = fills.reduce((s, f) => s + f.price * f.qty, 0) / fills.reduce((s, f) => s + f.qty, 0);
    const fees = fills.reduce((s, f) => s + f.fee, 0);
    expect(report.avgPrice).toBeCloseTo(vwap, 9);
    expect(report.total).toBeCloseTo((vwap - report.arrivalPrice) * 1 + fees, 9);
  });

  it('VWAP: slice quantities follow the volume profile', async () => {
    const profile = [0.1, 0.2, 0.3, 0.4];
    const { r, report } = await execute(() => new Vwap('vwap', { side: 'sell', qty: 2, durationSeconds: 8, profile }));
    const children = r.orders.filter((o) => o.tag === 'vwap');
    expect(children.map((o) => o.qty)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(report.filledQty).toBeCloseTo(2, 9);
  });

  it('volumeProfile: shares of volume per time-of-day bucket, averaged over days', () => {
    const day = 86_400e6;
    // Two days; window 09:00–11:00 in two buckets; volumes 1,3 and 3,1 → 4:4; 12:00 ignored.
    const ts = [9 * 3600e6, 10 * 3600e6, day + 9 * 3600e6, day + 10.5 * 3600e6, 12 * 3600e6];
    expect(volumeProfile(ts, [1, 3, 3, 1, 50], 9 * 3600, 7200, 2)).toEqual([0.5, 0.5]);
    expect(() => volumeProfile(ts, [1, 1, 1, 1, 1], 0, 60, 2)).toThrow(/no volume in the window/);
  });

  it('POV: executed quantity tracks the participation rate of the market volume', async () => {
    const { r, report } = await execute(() => new Pov('pov', { side: 'buy', qty: 1e6, rate: 0.05, minChildQty: 0.5 }));
    const first = r.orders.find((o) => o.tag === 'pov')!;
    // Independent: market volume from the trades file after the algorithm started.
    let volume = 0;
    for (let i = 0; i < trades.length; i++) if (trades.tsLocal[i] >= first.createdTs - 50_000) volume += trades.qty[i];
    const sent = r.orders.filter((o) => o.tag === 'pov').reduce((s, o) => s + o.qty, 0);
    expect(sent).toBeGreaterThan(0.05 * volume - 1);
    expect(sent).toBeLessThanOrEqual(0.05 * volume + 0.5);
    expect(report.filledQty).toBeGreaterThan(0);
  });

  it('iceberg: never shows more than the display quantity; the next clip follows the fill of the last', async () => {
    const { r, report } = await execute(() => new Iceberg('ice', { side: 'buy', qty: 0.5, displayQty: 0.1 }));
    const children = r.orders.filter((o) => o.tag === 'ice');
    expect(children.length).toBeGreaterThan(1);
    expect(children.every((o) => o.qty <= 0.1 + 1e-12 && o.type === 'limit')).toBe(true);
    for (let k = 1; k < children.length; k++) {
      const lastFill = Math.max(...r.fills.filter((f) => f.orderId === children[k - 1].id).map((f) => f.ts));
      expect(children[k].createdTs).toBeGreaterThanOrEqual(lastFill);
    }
    // Resting at the touch: maker fills with the rebate.
    expect(r.fills.filter((f) => f.orderId.length && children.some((o) => o.id === f.orderId)).every((f) => f.liquidity === 'maker')).toBe(true);
    expect(report.filledQty).toBeLessThanOrEqual(0.5 + 1e-9);
  });

  it('TWAP with limit children at the touch finishes the rest at market when the window ends', async () => {
    const { r, report } = await execute(() => new Twap('tl', { side: 'buy', qty: 1, durationSeconds: 5, slices: 5, childType: 'limit' }));
    const children = r.orders.filter((o) => o.tag === 'tl');
    expect(children.some((o) => o.type === 'limit')).toBe(true);
    expect(report.filledQty).toBeCloseTo(1, 9);
    expect(report.done).toBe(true);
  });
});

describe('execution algorithms in paper mode (loopback exchange through ccxt)', () => {
  let lb: Awaited<ReturnType<typeof startLoopback>>;
  beforeAll(async () => { lb = await startLoopback(41); });
  afterAll(async () => { await lb?.close(); });

  it('TWAP slices on the live clock and completes against the live book', async () => {
    let report: ExecReport | undefined;
    const exec = new Executor();
    let started = false;
    const def = defineStrategy({
      name: 'twap-live', description: 'TWAP in paper mode', params: z.strictObject({}),
      create: () => ({
        onBook(_d, ctx) { if (!started && ctx.book().mid() > 0) { started = true; exec.start(new Twap('tw', { side: 'buy', qty: 0.04, durationSeconds: 1.2, slices: 4 }), ctx); } },
        onTimer: (t, ctx) => exec.onTimer(t, ctx),
        onFill: (f, ctx) => exec.onFill(f, ctx),
        onOrder: (o, ctx) => exec.onOrder(o, ctx),
        onStop: () => { report = exec.reports()[0]; },
      }),
    });
    const r = await loopbackSession(lb.url, 'paper', def, {}, { maxEvents: 1e9, maxMillis: 2500 });
    const children = r.orders.filter((o) => o.tag === 'tw');
    expect(children.map((o) => o.qty)).toEqual([0.01, 0.01, 0.01, 0.01]);
    // Slices 300 ms apart on the wall clock (timers fire on the live clock).
    for (let k = 1; k < children.length; k++) expect(children[k].createdTs - children[k - 1].createdTs).toBeGreaterThan(250_000);
    expect(report!.filledQty).toBeCloseTo(0.04, 9);
    expect(Number.isFinite(report!.bps)).toBe(true);
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { sliceBatches, synthBars } from '../data/synth-bars.ts';
import { bucketReturns, evaluateTrial } from '../optimize/evaluate-trial.ts';
import { parseObjectives } from '../optimize/objective.ts';
import { shareBars, sliceShared } from '../optimize/shared-bars.ts';
import { runBacktest } from './run-backtest.ts';
import type { Fill } from '../core/fill.ts';
import type { Order } from '../core/order.ts';
import { fillsDigest } from '../backtest/fills-digest.ts';
import { fillCount, orderCount, tradeCount } from '../backtest/run-result.ts';
import type { RoundTrip } from '../engine/trade-log.ts';

const bars = synthBars({ count: 30_000, seed: 9 });
// Fast averages (~1 cross in 10 bars) and a 0.1 % fee, so round trips differ in net and gross P&L.
const config = { strategy: 'ma-cross', params: { fast: 2, slow: 5 }, commission: { type: 'rate' as const, rate: 0.001 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };

describe('a run that keeps no order, fill or trade records (optimizer trials)', async () => {
  const full = await runBacktest(config, { strategy: maCross, feeds: [sliceBatches(bars, 8_192)] });
  const lean = await runBacktest(config, { strategy: maCross, feeds: [sliceBatches(bars, 8_192)], keepRecords: false });

  it('has the same metrics, equity and final value as the run that keeps them', () => {
    expect(full.trades.length).toBeGreaterThan(1_000);
    expect(full.trades.some((t) => t.netPnl !== t.pnl)).toBe(true);
    expect(lean.metrics).toEqual(full.metrics);
    expect(lean.metrics.trades).toBe(full.trades.length);
    expect(lean.finalValue).toBe(full.finalValue);
    expect(lean.fees).toBe(full.fees);
    expect(lean.equity.equity).toEqual(full.equity.equity);
  });

  it('keeps none of them and makes no fills digest', () => {
    expect([lean.orders.length, lean.fills.length, lean.trades.length]).toEqual([0, 0, 0]);
    expect(lean.fillsDigest).toBe('');
    expect(full.fillsDigest).not.toBe('');
  });

  it('gives a trial whose objectives read only the metrics (run so) the same values', async () => {
    const shared = shareBars([bars]);
    const task = { number: 0, params: { ...config.params }, config, limits: {}, returnBuckets: 0 };
    const r = await evaluateTrial({ ...task, objectives: parseObjectives('sharpe,trades,profitFactor') }, shared, maCross);
    expect(r.values).toEqual([full.metrics.sharpe, full.trades.length, full.metrics.profitFactor]);
    expect(r.finalValue).toBe(full.finalValue);
  });
});

describe('trials run one after another on reused equity columns', async () => {
  const shared = shareBars([bars]);
  const objectives = parseObjectives('sharpe,maxDrawdown,totalReturn');
  // Different lengths, so a later trial records into columns a longer one filled before.
  const cases = [
    { params: { fast: 2, slow: 5 }, rows: [0, 30_000] as const },
    { params: { fast: 3, slow: 11 }, rows: [5_000, 9_000] as const },
    { params: { fast: 4, slow: 9 }, rows: [1_000, 21_000] as const },
  ];
  const fresh = await Promise.all(cases.map((c) => runBacktest({ ...config, params: c.params }, { strategy: maCross, feeds: [sliceShared(shared, ...c.rows)] })));

  it('give each trial the values of a run on its own fresh columns, in either order', async () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2]]) {
      const trials = [];
      for (const k of order) {
        const c = cases[k];
        trials.push(await evaluateTrial({ number: k, params: c.params, config, rows: c.rows, objectives, limits: {}, returnBuckets: 4, keepEquity: true }, shared, maCross));
      }
      // Read after all ran: what a trial returns is its own, not the columns the next one reused.
      for (const [j, k] of order.entries()) {
        const r = trials[j];
        const f = fresh[k];
        expect(r.values).toEqual([f.metrics.sharpe, f.metrics.maxDrawdown, f.metrics.totalReturn]);
        expect(r.finalValue).toBe(f.finalValue);
        expect([...r.equity!.equity]).toEqual([...f.equity.equity]);
        expect([...r.returns!]).toEqual([...bucketReturns(f.equity.equity, 4)]);
      }
    }
  });
});

describe('a run\'s fills and orders, kept as columns and built as objects when first read', async () => {
  const told: Fill[] = [];
  const lastSeen = new Map<string, Order>(); // each order's state at its last event, copied then
  const r = await runBacktest(config, {
    strategy: maCross, feeds: [sliceBatches(bars, 8_192)],
    listeners: [{ fill: (f) => told.push(f), order: (e) => lastSeen.set(e.order.id, { ...e.order }) }],
  });

  it('are counted without being built, then equal the fills the run told its listener, in JSON too; the digest is theirs', () => {
    expect(told.length).toBeGreaterThan(2_000);
    expect(fillCount(r)).toBe(told.length);
    expect(orderCount(r)).toBe(lastSeen.size + r.rejections.total);
    // Neither list built by the counts (this test runs first; JSON.stringify below builds both).
    expect(Object.getOwnPropertyDescriptor(r, 'fills')?.get).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(r, 'orders')?.get).toBeDefined();
    // Nor the fills digest: hashed when read (a run printed as a summary never reads it).
    expect(Object.getOwnPropertyDescriptor(r, 'fillsDigest')?.get).toBeDefined();
    expect(r.fills).toEqual(told);
    expect(r.fills).toBe(r.fills); // built once, then kept
    expect(JSON.parse(JSON.stringify(r)).fills).toEqual(JSON.parse(JSON.stringify(told)));
    expect(r.fillsDigest).toBe(fillsDigest(told));
    expect(Object.getOwnPropertyDescriptor(r, 'fillsDigest')?.value).toBe(r.fillsDigest); // built once, then kept
  });

  it('equal each order as its last event showed it', () => {
    expect(lastSeen.size).toBeGreaterThan(2_000);
    const heard = r.orders.filter((o) => lastSeen.has(o.id));
    expect(heard).toEqual([...lastSeen.values()]);
    expect(r.orders).toBe(r.orders);
  });
});

/**
 * Round trips rebuilt from the fills alone, for one instrument and one multiplier (an
 * independent check of the trade log): a trip closes when a fill takes the position to or
 * through zero; a fill that closes part of its size pays that share of its fee to the trip it
 * closes and the rest to the one it opens.
 */
function tripsOfFills(fills: readonly Fill[]): Pick<RoundTrip, 'side' | 'qty' | 'entryTs' | 'exitTs' | 'entryPrice' | 'exitPrice' | 'pnl' | 'fees'>[] {
  const out: ReturnType<typeof tripsOfFills> = [];
  let pos = 0, entryQty = 0, entryCost = 0, exitQty = 0, exitValue = 0, fees = 0, entryTs = 0;
  for (const f of fills) {
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    const closed = pos !== 0 && Math.sign(signed) !== Math.sign(pos) ? Math.min(f.qty, Math.abs(pos)) : 0;
    if (closed > 0) {
      exitQty += closed; exitValue += closed * f.price; fees += f.fee * (closed / f.qty);
      if (closed === Math.abs(pos)) {
        const side = pos > 0 ? 'long' : 'short';
        const entryPrice = entryCost / entryQty, exitPrice = exitValue / exitQty;
        out.push({ side, qty: entryQty, entryTs, exitTs: f.ts, entryPrice, exitPrice, pnl: (exitPrice - entryPrice) * exitQty * (pos > 0 ? 1 : -1), fees });
        entryQty = 0; entryCost = 0; exitQty = 0; exitValue = 0; fees = 0;
      }
    }
    const opened = f.qty - closed;
    if (opened > 0) {
      if (entryQty === 0) entryTs = f.ts;
      entryQty += opened; entryCost += opened * f.price; fees += f.fee * (opened / f.qty);
    }
    pos += signed;
  }
  return out;
}

describe('a run\'s round trips, kept as columns and built as objects when first read', async () => {
  const told: Fill[] = [];
  const r = await runBacktest(config, { strategy: maCross, feeds: [sliceBatches(bars, 8_192)], listeners: [{ fill: (f) => told.push(f) }] });
  const expected = tripsOfFills(told);

  it('are counted without being built, then equal the round trips rebuilt from the fills', () => {
    expect(expected.length).toBeGreaterThan(2_000);
    expect(tradeCount(r)).toBe(expected.length);
    expect(Object.getOwnPropertyDescriptor(r, 'trades')?.get).toBeDefined(); // not built by the count
    expect(r.trades).toHaveLength(expected.length);
    r.trades.forEach((t, k) => {
      const e = expected[k];
      expect([t.side, t.qty, t.entryTs, t.exitTs]).toEqual([e.side, e.qty, e.entryTs, e.exitTs]);
      for (const field of ['entryPrice', 'exitPrice', 'pnl', 'fees'] as const) expect(t[field]).toBeCloseTo(e[field], 9);
      expect(t.netPnl).toBe(t.pnl - t.fees);
    });
    expect(r.trades).toBe(r.trades); // built once, then kept
    expect(JSON.parse(JSON.stringify(r)).trades).toHaveLength(expected.length);
    expect(r.metrics.trades).toBe(expected.length);
  });
});

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { runBacktest } from '../session/run-backtest.ts';
import type { SessionConfigInput } from '../config/session-config.ts';
import { createRng } from '../core/rng.ts';
import { isoFromMicros } from '../core/time.ts';
import { defineStrategy, type Context } from '../engine/strategy.ts';

/**
 * Bar-broker accounting against backtrader: the expected values come from
 * broker_oracle.py, an independent implementation of backtrader's broker rules that
 * reproduces real backtrader's figures on each case here (checked with backtrader itself).
 */
const ORACLE = resolve(import.meta.dirname, 'broker_oracle.py');
const DAY = sharedFile('backtrader/2006-day-001.txt');
const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const NVDA = sharedFile('backtrader/nvda-1999-2014.txt');

interface OracleRun {
  fills: Array<{ feed: number; date: string; size: number; price: number; comm: number }>;
  cash: number;
  value: number;
  positions: number[];
}

const oracle = (spec: Record<string, unknown>): OracleRun => JSON.parse(execFileSync(PYTHON, [ORACLE, JSON.stringify(spec)]).toString()) as OracleRun;

/** `[bar, feed, size]`: on the first feed's bar `bar` (0-based) send a market order of `size` (< 0 sells) for `feed`. */
type Plan = ReadonlyArray<readonly [number, number, number]>;

/** Acts on the first feed's bars (`onBar`) or on each complete time (`onBars`, as backtrader's next). */
function planned(plan: Plan, hook: 'onBar' | 'onBars') {
  return defineStrategy({
    name: 'planned', description: 'scripted market orders', params: z.strictObject({}),
    create: () => {
      let i = 0;
      const act = (ctx: Context) => {
        for (const [bar, feed, size] of plan) {
          if (bar !== i) continue;
          const instrument = ctx.instruments[feed].id;
          if (size > 0) ctx.buy(size, { instrument });
          else ctx.sell(-size, { instrument });
        }
        i++;
      };
      return hook === 'onBars' ? { onBars: (_b, ctx) => act(ctx) } : { onBar: (b, ctx) => { if (b.instrumentIndex === 0) act(ctx); } };
    },
  });
}

async function both(files: string[], plan: Plan, cfg: Partial<SessionConfigInput>, spec: Record<string, unknown>, hook: 'onBar' | 'onBars' = 'onBars') {
  const r = await runBacktest(
    { strategy: 'planned', data: files.map((file, k) => ({ file, instrument: { symbol: `F${k}`, ...(spec.futures ? { multiplier: 10, margin: 1000 } : {}) } })), ...cfg },
    { strategy: planned(plan, hook) },
  );
  const py = oracle({ files, plan, ...spec });
  const ours = r.fills.map((f) => ({ feed: Number(f.instrumentId.slice(1, f.instrumentId.indexOf('.'))), date: isoFromMicros(f.ts).slice(0, 10), size: f.side === 'buy' ? f.qty : -f.qty, price: f.price, comm: f.fee }));
  return { r, py, ours };
}

const expectSame = (x: Awaited<ReturnType<typeof both>>) => {
  expect(x.ours.map((f) => [f.feed, f.date, f.size, f.price])).toEqual(x.py.fills.map((f) => [f.feed, f.date, f.size, f.price]));
  x.ours.forEach((f, k) => expect(f.comm).toBeCloseTo(x.py.fills[k].comm, 9));
  expect(x.r.cash).toBeCloseTo(x.py.cash, 8);
  expect(x.r.finalValue).toBeCloseTo(x.py.value, 8);
  expect(x.r.positions.map((p) => p.qty)).toEqual(x.py.positions);
};

describe('bar broker accounting = backtrader (oracle checked against backtrader itself)', () => {
  it('B1: a reversal the cash cannot pay for closes the short and refuses the opening leg (cash 3650; was −50.30)', async () => {
    const x = await both([DAY], [[0, 0, -1], [2, 0, 2], [4, 0, -1]], { cash: 3650 }, { cash: 3650 });
    expectSame(x);
    // backtrader (checksubmit=False): Partial 1 @ 3652.19 on 2006-01-05, then Margin; cash 7268.99, value 3149.05.
    expect(x.r.cash).toBeCloseTo(7268.99, 8);
    expect(x.r.orders[1]).toMatchObject({ status: 'rejected', reason: 'insufficient-cash', filledQty: 1 });
    expect(Math.min(...x.r.equity.cash)).toBeGreaterThanOrEqual(0);
  });

  it('B1 with checkSubmit: refused whole at submission, as backtrader\'s default checksubmit', async () => {
    const x = await both([DAY], [[0, 0, -1], [2, 0, 2], [4, 0, -1]], { cash: 3650, checkSubmit: true }, { cash: 3650, checksubmit: true });
    expectSame(x);
    expect(x.r.cash).toBeCloseTo(10921.18, 8); // backtrader: cash 10921.18, value 2681.30, position −2
    expect(x.r.orders[1]).toMatchObject({ status: 'rejected', filledQty: 0 });
  });

  it('B1 with reversal all-or-nothing: nothing of the reversal executes', async () => {
    const r = await runBacktest({ strategy: 'planned', data: [{ file: DAY, instrument: { symbol: 'F0' } }], cash: 3650, reversal: 'all-or-nothing' }, { strategy: planned([[0, 0, -1], [2, 0, 2]], 'onBars') });
    expect(r.orders[1]).toMatchObject({ status: 'rejected', filledQty: 0 });
    expect(r.positions[0].qty).toBe(-1);
  });

  it('B2: a closing sell is never refused for the fee when cash is short (cash 3610, 0.1%)', async () => {
    const x = await both([DAY], [[0, 0, 1], [2, 0, -1]], { cash: 3610, commission: { type: 'rate', rate: 0.001 } }, { cash: 3610, commission: 0.001 });
    expectSame(x);
    expect(x.r.cash).toBeCloseTo(3650.85373, 8);
  });

  it('B2 futures: a losing contract can be exited although the daily mark left free cash negative (−164.90)', async () => {
    const futures = { cash: 1100, commission: { type: 'per-contract' as const, perContract: 2 } };
    const spec = { cash: 1100, futures: { comm: 2, margin: 1000, mult: 10 } };
    const x = await both([DAY], [[5, 0, 1], [6, 0, -1]], futures, spec);
    expectSame(x);
    // Bought 2006-01-10 @ 3671.23; that day's close 3644.94 marks free cash to 98 − 262.90 = −164.90; sold the next open.
    expect(Math.min(...x.r.equity.cash)).toBeCloseTo(-164.9, 8);
    expect(x.r.cash).toBeCloseTo(841, 8); // backtrader: flat, cash 841.00
    const rising = await both([DAY], [[0, 0, 1], [2, 0, -1]], futures, spec);
    expectSame(rising);
    expect(rising.r.cash).toBeCloseTo(1577.1, 8); // backtrader: 1577.10
  });

  it('B3: an order decided on one feed\'s bar fills on the next bar of the other feed, not on its bar of the same time', async () => {
    const spec = { cash: 100_000, from: '2000-01-01', to: '2000-02-01' };
    const cfg = { cash: 100_000, from: '2000-01-01', to: '2000-02-01' };
    const plan: Plan = [[2, 1, 10], [5, 1, -10]];
    for (const hook of ['onBar', 'onBars'] as const) {
      const x = await both([ORCL, NVDA], plan, cfg, spec, hook);
      expectSame(x);
      // Decided on 2000-01-05: NVDA's next open, 2000-01-06 3.671875 (was its 2000-01-05 open 3.6875).
      expect(x.ours[0]).toMatchObject({ date: '2000-01-06', price: 3.671875 });
      expect(x.r.cash).toBeCloseTo(99999.11458, 8);
    }
  });
});

describe('bar broker accounting: properties over random order sequences on real data', () => {
  /** Random market orders of sizes up to 3 on ORCL 1995–2000, by seed. */
  async function randomRun(seed: number, futures: boolean) {
    const rng = createRng(seed);
    const r = await runBacktest({
      strategy: 'random', cash: futures ? 3000 : 40, from: '1995-01-01', to: '2000-12-31',
      data: [{ file: ORCL, instrument: { symbol: 'O', ...(futures ? { multiplier: 100, margin: 1000 } : { tickSize: 0.000001 }) } }],
      ...(futures ? { commission: { type: 'per-contract' as const, perContract: 1.5 } } : { commission: { type: 'rate' as const, rate: 0.002 } }),
    }, {
      strategy: defineStrategy({
        name: 'random', description: 'random orders', params: z.strictObject({}),
        create: () => ({
          onBar: (_b, ctx) => {
            if (rng.next() < 0.7) return;
            const size = 1 + Math.floor(rng.next() * 3);
            if (rng.next() < 0.5) ctx.buy(size); else ctx.sell(size);
          },
        }),
      }),
    });
    return r;
  }

  it('cash: every fill moves cash by −(signed qty × price) − fee, cash = that ledger at every bar, and no opening fill leaves cash below 0', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = await randomRun(seed, false);
      let cash = r.initialCash;
      let pos = 0;
      let k = 0;
      const { ts, cash: curve } = r.equity;
      for (let b = 0; b < ts.length; b++) {
        for (; k < r.fills.length && r.fills[k].ts <= ts[b]; k++) {
          const f = r.fills[k];
          const signed = f.side === 'buy' ? f.qty : -f.qty;
          cash -= signed * f.price + f.fee;
          const opened = Math.abs(pos + signed) > Math.abs(pos) || Math.sign(pos + signed) === -Math.sign(pos);
          pos += signed;
          if (opened) expect(cash).toBeGreaterThanOrEqual(-1e-9);
        }
        expect(curve[b]).toBeCloseTo(cash, 6);
      }
      expect(r.fills.length).toBeGreaterThan(10);
      expect(r.orders.some((o) => o.reason === 'insufficient-cash')).toBe(true); // the cash did bind
    }
  });

  it('futures: cash = margin moves + marks to fills and closes − fees at every bar; equity = cash + margin held; opening fills leave free cash ≥ 0', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = await randomRun(seed, true);
      let cash = r.initialCash;
      let pos = 0;
      let last = Number.NaN;
      let k = 0;
      const { ts, cash: curve, equity } = r.equity;
      const bars = await barCloses();
      for (let b = 0; b < ts.length; b++) {
        for (; k < r.fills.length && r.fills[k].ts <= ts[b]; k++) {
          const f = r.fills[k];
          const signed = f.side === 'buy' ? f.qty : -f.qty;
          if (pos !== 0) cash += pos * (f.price - last) * 100;
          cash -= (Math.abs(pos + signed) - Math.abs(pos)) * 1000 + f.fee;
          const opened = Math.abs(pos + signed) > Math.abs(pos) || Math.sign(pos + signed) === -Math.sign(pos);
          pos += signed;
          last = f.price;
          if (opened) expect(cash).toBeGreaterThanOrEqual(-1e-9);
        }
        const close = bars.get(ts[b])!;
        if (pos !== 0) cash += pos * (close - last) * 100;
        last = close;
        expect(curve[b]).toBeCloseTo(cash, 6);
        expect(equity[b]).toBeCloseTo(cash + Math.abs(pos) * 1000, 6);
      }
      expect(r.fills.length).toBeGreaterThan(10);
    }
  });

  let cached: Map<number, number> | null = null;
  async function barCloses(): Promise<Map<number, number>> {
    if (cached) return cached;
    const { openBars } = await import('../data/read-bars.ts');
    const s = await openBars(ORCL);
    cached = new Map();
    for await (const b of s.batches) for (let i = 0; i < b.length; i++) cached.set(b.ts[i], b.close[i]);
    return cached;
  }
});

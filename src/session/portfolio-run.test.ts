import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { openBars } from '../data/read-bars.ts';
import type { RunResult } from '../backtest/run-result.ts';
import { runBacktest } from './run-backtest.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const NVDA = sharedFile('backtrader/nvda-1999-2014.txt');
const feeds = [{ file: ORCL, instrument: { symbol: 'ORCL' } }, { file: NVDA, instrument: { symbol: 'NVDA' } }];
const fillsOf = (r: RunResult, id: string) => r.fills.filter((f) => f.instrumentId === id).map((f) => [f.ts, f.side, f.price, f.qty]);

/** The equity of a run at each time of `ts` (its last point at or before; its cash before its first). */
function equityAt(r: RunResult, ts: Float64Array): Float64Array {
  const out = new Float64Array(ts.length);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    while (j + 1 < r.equity.ts.length && r.equity.ts[j + 1] <= ts[i]) j++;
    out[i] = j < 0 ? r.initialCash : r.equity.equity[j];
  }
  return out;
}

describe('portfolio backtests: several strategies on one account (ORCL + NVDA)', () => {
  const sleeves = [
    { name: 'orcl-trend', strategy: 'ma-cross', params: { fast: 10, slow: 30, size: 1000 }, instruments: ['ORCL'], weight: 0.5 },
    { name: 'nvda-swing', strategy: 'rsi-reversion', params: { size: 1000 }, instruments: ['NVDA'], weight: 0.5 },
  ];

  it('when the allocations do not interact, the portfolio is the sum of the two single runs', async () => {
    const from = '2000-01-03';
    const [p, a, b] = await Promise.all([
      runBacktest({ cash: 200_000, from, data: feeds, portfolio: { sleeves } }),
      runBacktest({ cash: 100_000, from, strategy: 'ma-cross', params: sleeves[0].params, data: [feeds[0]] }),
      runBacktest({ cash: 100_000, from, strategy: 'rsi-reversion', params: sleeves[1].params, data: [feeds[1]] }),
    ]);
    for (const r of [p, a, b]) expect(r.rejections.total).toBe(0); // nothing bound: the premise of the sum
    expect(a.fills.length).toBeGreaterThan(50);
    expect(b.fills.length).toBeGreaterThan(20);
    expect(fillsOf(p, 'ORCL.SIM')).toEqual(fillsOf(a, 'ORCL.SIM'));
    expect(fillsOf(p, 'NVDA.SIM')).toEqual(fillsOf(b, 'NVDA.SIM'));
    const ts = p.equity.ts;
    const sum = equityAt(a, ts).map((v, i) => v + equityAt(b, ts)[i]);
    let worst = 0;
    for (let i = 0; i < ts.length; i++) worst = Math.max(worst, Math.abs(p.equity.equity[i] - sum[i]) / sum[i]);
    expect(worst).toBeLessThan(1e-12);
    expect(p.finalValue).toBeCloseTo(a.finalValue + b.finalValue, 6);
    // Each sleeve's book is its single run: equity, trades and metrics.
    const [sa, sb] = p.portfolio!.sleeves;
    expect(sa.finalValue).toBeCloseTo(a.finalValue, 8);
    expect(sb.finalValue).toBeCloseTo(b.finalValue, 8);
    expect(sa.trades.map((t) => t.netPnl)).toEqual(a.trades.map((t) => t.netPnl));
    expect(sb.trades.length).toBe(b.trades.length);
    expect(Array.from(p.portfolio!.series.equity[0])).toEqual(Array.from(equityAt(a, ts)));
    expect(sa.metrics.sharpe).toBeCloseTo(a.metrics.sharpe, 12);
    expect(sa.metrics.maxDrawdown).toBeCloseTo(a.metrics.maxDrawdown, 12);
    expect(sa.capital).toBe(100_000);
    expect(p.portfolio!.correlation[0][0]).toBe(1);
    expect(p.portfolio!.correlation[0][1]).toBe(p.portfolio!.correlation[1][0]);
  });

  it('when cash binds, sleeves compete for the one account: fills follow an independent shared-cash simulation', async () => {
    const bind = [
      { name: 'orcl', strategy: 'sma-cross', params: { period: 20, size: 3000 }, instruments: ['ORCL'], weight: 0.5 },
      { name: 'nvda', strategy: 'sma-cross', params: { period: 20, size: 3000 }, instruments: ['NVDA'], weight: 0.5 },
    ];
    const cash = 80_000;
    const [p, a] = await Promise.all([
      runBacktest({ cash, data: feeds, portfolio: { sleeves: bind } }),
      runBacktest({ cash: cash / 2, strategy: 'sma-cross', params: bind[0].params, data: [feeds[0]] }),
    ]);
    const oracle = await sharedCashOracle([ORCL, NVDA], 20, 3000, cash);
    const got = p.fills.map((f) => [f.instrumentId.split('.')[0], f.ts, f.side, f.price, f.qty]);
    expect(got).toEqual(oracle.fills);
    expect(p.rejections.byReason['insufficient-cash']).toBe(oracle.refused);
    expect(oracle.refused).toBeGreaterThan(0); // the cash did bind …
    expect(fillsOf(p, 'ORCL.SIM')).not.toEqual(fillsOf(a, 'ORCL.SIM')); // … and the ORCL sleeve differs from its run alone
    expect(p.finalValue).toBeCloseTo(oracle.finalValue, 6);
  });

  it('monthly rebalancing moves cash between sleeves only: the account is still their sum, and sleeve returns are time-weighted', async () => {
    const r = await runBacktest({ cash: 200_000, from: '2000-01-03', data: feeds, portfolio: { rebalance: 'monthly', sleeves: [
      { ...sleeves[0], strategy: 'vol-target-trend', params: {}, weight: 0.45 },
      { ...sleeves[1], weight: 0.45 },
    ] } });
    const p = r.portfolio!;
    expect(p.rebalances.length).toBeGreaterThan(20);
    for (const m of p.rebalances) expect(Math.abs(m.transfers[0] + m.transfers[1])).toBeLessThan(1e-6);
    expect(p.unallocated).toBeCloseTo(20_000, 6);
    const ts = p.series.ts;
    for (let i = 0; i < ts.length; i++) expect(p.series.equity[0][i] + p.series.equity[1][i] + p.unallocated).toBeCloseTo(r.equity.equity[i], 6);
    // Time-weighted return from the saved series and the list of moves, step by step.
    p.sleeves.forEach((s, k) => {
      const e = p.series.equity[k];
      const moved = new Map(p.rebalances.map((m) => [m.ts, m.transfers[k]]));
      let growth = 1;
      for (let i = 1; i < ts.length; i++) growth *= (e[i] - (moved.get(ts[i]) ?? 0)) / e[i - 1];
      expect(s.metrics.totalReturn).toBeCloseTo(growth - 1, 10);
      expect(s.netTransfers).toBeCloseTo(p.rebalances.reduce((a, m) => a + m.transfers[k], 0), 6);
    });
    expect(p.sleeves[0].netTransfers).not.toBe(0);
  });

  it('rejects configs that cannot run, naming the sleeve or field', async () => {
    const run = (portfolio: unknown, extra: Record<string, unknown> = {}) => runBacktest({ cash: 1000, data: feeds, portfolio, ...extra } as never);
    await expect(run({ sleeves: [{ ...sleeves[0], weight: 0.7 }, { ...sleeves[1], weight: 0.6 }] })).rejects.toThrow(/weights sum to 1\.3/);
    await expect(run({ sleeves: [sleeves[0], { ...sleeves[1], instruments: ['ORCL'] }] })).rejects.toThrow(/both trade ORCL\.SIM/);
    await expect(run({ sleeves: [{ ...sleeves[0], instruments: ['MSFT'] }] })).rejects.toThrow(/orcl-trend: no data feed carries MSFT/);
    await expect(run({ sleeves: [{ ...sleeves[0], params: { fast: 40, slow: 30 } }] })).rejects.toThrow(/orcl-trend.*fast must be shorter/);
    await expect(run({ sleeves }, { strategy: 'ma-cross' })).rejects.toThrow(/leave strategy out/);
    await expect(runBacktest({ cash: 1000, data: feeds } as never)).rejects.toThrow(/give a strategy/);
  });
});

/**
 * sma-cross on each instrument, written out in plain code over the merged days (ORCL's
 * bar before NVDA's on a shared day, as the feeds are listed), with one cash balance: a
 * market order fills at the instrument's next open when the cash pays for it, else it is
 * refused (sells always fill).
 */
async function sharedCashOracle(files: string[], period: number, size: number, cash: number) {
  const names = ['ORCL', 'NVDA'];
  const rows: { k: number; ts: number; open: number; close: number }[] = [];
  for (const [k, f] of files.entries()) {
    const s = await openBars(f);
    for await (const b of s.batches) for (let i = 0; i < b.length; i++) rows.push({ k, ts: b.ts[i], open: b.open[i], close: b.close[i] });
  }
  rows.sort((x, y) => x.ts - y.ts || x.k - y.k);
  const st = names.map(() => ({ closes: [] as number[], sign: 0, pos: 0, pending: 0, last: 0 }));
  const fills: unknown[] = [];
  let refused = 0;
  for (const r of rows) {
    const s = st[r.k];
    if (s.pending > 0 && cash >= s.pending * r.open) {
      cash -= s.pending * r.open;
      s.pos += s.pending;
      fills.push([names[r.k], r.ts, 'buy', r.open, s.pending]);
    } else if (s.pending > 0) refused++;
    else if (s.pending < 0) {
      cash += -s.pending * r.open;
      s.pos = 0;
      fills.push([names[r.k], r.ts, 'sell', r.open, -s.pending]);
    }
    s.pending = 0;
    s.last = r.close;
    s.closes.push(r.close);
    if (s.closes.length < period) continue;
    const avg = s.closes.slice(-period).reduce((a, b) => a + b, 0) / period;
    const d = r.close - avg;
    const prev = s.sign;
    if (d !== 0) s.sign = Math.sign(d);
    const signal = d > 0 && prev < 0 ? 1 : d < 0 && prev > 0 ? -1 : 0;
    if (s.pos === 0 && signal === 1) s.pending = size;
    else if (s.pos > 0 && signal === -1) s.pending = -s.pos;
  }
  return { fills, refused, finalValue: cash + st.reduce((v, s) => v + s.pos * s.last, 0) };
}

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../core/rng.ts';
import { PYTHON } from '../../test/shared-data.ts';
import { coreMetrics, type CoreMetrics } from './core-metrics.ts';
import { maxDrawdown } from './max-drawdown.ts';
import { profitFactor } from './profit-factor.ts';
import { winRate } from './win-rate.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/metrics_oracle.py');

function series(seed: number, n: number) {
  const rng = createRng(seed);
  const ts: number[] = [];
  const equity: number[] = [];
  const gross: number[] = [];
  let v = 10_000;
  for (let i = 0; i < n; i++) {
    ts.push(Date.UTC(2020, 0, 1) * 1000 + i * 86_400e6);
    v *= 1 + 0.0004 + 0.01 * normal(rng);
    equity.push(v);
    gross.push(rng.next() < 0.6 ? v : 0);
  }
  const pnls = Array.from({ length: 37 }, () => Math.round((rng.next() - 0.45) * 20_000) / 100);
  return { ts, equity, gross, pnls };
}

describe('coreMetrics against an independent Python (statistics module) implementation', () => {
  for (const [seed, ppy] of [[1, null], [2, 252], [3, 365]] as const) {
    it(`seed ${seed}, periodsPerYear ${ppy ?? 'observed'}`, () => {
      const s = series(seed, 500);
      const py = JSON.parse(execFileSync(PYTHON, [ORACLE], { input: JSON.stringify({ ...s, ppy }) }).toString()) as CoreMetrics;
      const ours = coreMetrics({ ts: s.ts, equity: s.equity, grossExposure: s.gross, tradeNetPnls: s.pnls, ...(ppy ? { periodsPerYear: ppy } : {}) });
      for (const k of Object.keys(py) as (keyof CoreMetrics)[]) expect(ours[k], k).toBeCloseTo(py[k], 9);
    });
  }
});

describe('hand-checked cases', () => {
  it('max drawdown is a positive fraction from the running peak', () => {
    expect(maxDrawdown([100, 120, 90, 130, 65, 70])).toBeCloseTo(0.5, 15); // 130 → 65
    expect(maxDrawdown([100, 101, 102])).toBe(0);
  });
  it('win rate and profit factor', () => {
    expect(winRate([10, -5, 0, 20])).toBe(0.5);
    expect(profitFactor([10, -5, 20, -10])).toBe(2);
    expect(profitFactor([10, 20])).toBe(Infinity);
  });
  it('one year of 252 bars doubling gives CAGR 100% and total return 100%', () => {
    const equity = Array.from({ length: 253 }, (_, i) => 100 * 2 ** (i / 252));
    const m = coreMetrics({ ts: equity.map((_, i) => i), equity, grossExposure: equity, tradeNetPnls: [], periodsPerYear: 252 });
    expect(m.cagr).toBeCloseTo(1, 12);
    expect(m.totalReturn).toBeCloseTo(1, 12);
    expect(m.volatility).toBeCloseTo(0, 12); // constant per-bar return
    expect(m.exposure).toBe(1);
    expect(m.trades).toBe(0);
    expect(m.winRate).toBeNaN();
  });
});

/** A curve in blocks of `cut` points, as a saved curve's row groups are read (times: the index, unless given). */
function inBlocks(cut: number, equity: readonly number[], gross: readonly number[] = equity, ts: readonly number[] | null = null) {
  const n = equity.length;
  return () => Array.from({ length: Math.ceil(n / cut) }, (_, b) => {
    const from = b * cut;
    const to = Math.min(n, from + cut);
    return { firstTs: ts ? ts[from] : from, lastTs: ts ? ts[to - 1] : to - 1, equity: equity.slice(from, to), grossExposure: gross.slice(from, to), n: to - from };
  });
}

describe('coreMetricsOfBlocks (a saved curve read row group by row group)', () => {
  it('equals the array functions bit for bit, however the curve is cut into blocks', async () => {
    const { coreMetricsOfBlocks } = await import('./core-metrics.ts');
    const { sharpeRatio } = await import('./sharpe-ratio.ts');
    const { sortinoRatio } = await import('./sortino-ratio.ts');
    const { annualVolatility } = await import('./annual-volatility.ts');
    const { cagr } = await import('./cagr.ts');
    const { simpleReturns } = await import('./simple-returns.ts');
    const { periodsPerYear } = await import('./periods-per-year.ts');
    for (const n of [0, 1, 2, 3, 1000]) {
      const s = series(40 + n, n);
      const r = simpleReturns(s.equity);
      const ppy = periodsPerYear(s.ts);
      for (const cut of [1, 7, 333, 5000]) {
        const blocks = inBlocks(cut, s.equity, s.gross, s.ts);
        const m = coreMetricsOfBlocks(blocks, s.pnls);
        expect(m.sharpe).toBe(sharpeRatio(r, ppy));
        expect(m.sortino).toBe(sortinoRatio(r, ppy));
        expect(m.volatility).toBe(annualVolatility(r, ppy));
        expect(m.cagr).toBe(cagr(s.equity, ppy));
        expect(m.maxDrawdown).toBe(n === 0 ? Number.NaN : maxDrawdown(s.equity));
        expect(m.periodsPerYear).toBe(ppy);
        expect(m.totalReturn).toBe(n === 0 ? Number.NaN : s.equity[n - 1] / s.equity[0] - 1);
      }
    }
  });

  it('drawdown, Sharpe and Sortino of curves that fall to zero and below, start at or below zero, or leave zero upward, equal the array functions', async () => {
    const { coreMetricsOfBlocks } = await import('./core-metrics.ts');
    const { sharpeRatio } = await import('./sharpe-ratio.ts');
    const { sortinoRatio } = await import('./sortino-ratio.ts');
    const { simpleReturns } = await import('./simple-returns.ts');
    const curves = [
      [100, 120, 60, 0, -30, -10, 50, 130], // 120 → −30: 1.25
      [-5, -10, 0, 20, 10, 30, 15], // peaks ≤ 0 at first; then 20 → 10 and 30 → 15: 0.5
      [0, 0, -1, 2, 1],
      [100, 0, 50, 80, 40], // leaves 0 upward: a return of +∞
    ];
    const hand = [1.25, 0.5, 0.5, 1];
    curves.forEach((equity, k) => {
      for (const cut of [1, 2, 300]) {
        const blocks = inBlocks(cut, equity);
        const m = coreMetricsOfBlocks(blocks, [], 252);
        expect(m.maxDrawdown).toBe(maxDrawdown(equity));
        expect(m.maxDrawdown).toBeCloseTo(hand[k], 12);
        const r = simpleReturns(equity);
        expect(m.sortino).toBe(sortinoRatio(r, 252));
        expect(m.sharpe).toBe(sharpeRatio(r, 252));
      }
    });
  });

  it('gives maxDrawdown\'s figure on curves with NaN, infinite, zero and negative points, in blocks of any size', async () => {
    const { coreMetricsOfBlocks } = await import('./core-metrics.ts');
    const curves = [
      [100, 90, Number.NaN, 95, 120], [Number.NaN, 5, 4, 6], [100, Infinity], [100, Infinity, 50], [100, Infinity, Infinity],
      [100, -Infinity, 80], [-5, -3, -4, 2, 1], [0, 0, -1, 3], [10, 10, 10], [1], [3, 2, 1, 0.5], [1, 2, 3, 4],
    ];
    for (const equity of curves) {
      for (const cut of [1, 2, 1000]) {
        const blocks = inBlocks(cut, equity);
        expect(Object.is(coreMetricsOfBlocks(blocks, [], 252).maxDrawdown, maxDrawdown(equity)), `${equity.join(',')} in blocks of ${cut}`).toBe(true);
      }
    }
    // By hand: 100 → 90 is 10 %; after the NaN point every figure is NaN; 3 → 0.5 is 5/6.
    expect(maxDrawdown([100, 90, 95, 120])).toBe(1 - 90 / 100);
    expect(maxDrawdown([100, 90, Number.NaN, 95, 120])).toBeNaN();
    expect(maxDrawdown([3, 2, 1, 0.5])).toBe(1 - 0.5 / 3);
  });

  it('finds troughs a few ulps deeper than the worst so far, bit for bit as maxDrawdown', async () => {
    const { coreMetricsOfBlocks } = await import('./core-metrics.ts');
    const ulp = 2 ** -52;
    for (const w of [0.2, 0.5, 0.999999, 1, 1.25]) {
      // Peaks of 100, 250 and 700: at each, troughs at (1 − w) of the peak, nudged by −3…+3 ulps of 1,
      // in an order that deepens the worst one ulp at a time after a shallower start.
      const equity = [100];
      for (const peak of [100, 250, 700]) {
        equity.push(peak);
        for (const k of [3, 1, 2, 0, -1, -1, -2, -3]) {
          equity.push(peak * (1 - w) * (1 + k * ulp), peak);
        }
      }
      for (const cut of [1, 5, 1000]) {
        const blocks = inBlocks(cut, equity);
        expect(coreMetricsOfBlocks(blocks, [], 252).maxDrawdown, `w ${w}, blocks of ${cut}`).toBe(maxDrawdown(equity));
      }
      expect(maxDrawdown(equity)).toBeCloseTo(w, 6);
    }
  });
});

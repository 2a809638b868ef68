import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { createRng } from '../core/rng.ts';
import { blockBootstrap, randomPermutation, shuffleTrades, type MonteCarloSummary, type Quantiles } from './monte-carlo.ts';
import { simpleReturns } from './simple-returns.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/montecarlo_oracle.py');
const RUNS = 300;
const BLOCK = 20;
let pnls: number[];
let returns: Float64Array;
const E0 = 10_000;

/** Draws made here (a plain LCG), handed to both implementations. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 48271) % 2147483647; return s / 2147483647; };
}

beforeAll(async () => {
  const r = await runBacktest({ strategy: 'ma-cross', params: { size: 100 }, cash: E0, checkCash: false, data: [{ file: sharedFile('backtrader/orcl-1995-2014.txt'), instrument: { symbol: 'ORCL' } }] }, { strategy: maCross });
  pnls = r.trades.map((t) => t.netPnl);
  returns = simpleReturns(r.equity.equity);
}, 60_000);

describe('Monte Carlo: path statistics against numpy given the same draws (real ORCL ma-cross trades and returns)', () => {
  it('trade shuffle and block bootstrap', () => {
    const rnd = lcg(5);
    const orders = Array.from({ length: RUNS }, () => {
      const o = pnls.map((_, i) => i);
      for (let i = o.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [o[i], o[j]] = [o[j], o[i]]; }
      return o;
    });
    const starts = Array.from({ length: RUNS }, () => Array.from({ length: Math.ceil(returns.length / BLOCK) }, () => Math.floor(rnd() * returns.length)));
    const py = JSON.parse(execFileSync(PYTHON, [ORACLE], {
      input: JSON.stringify({ initial: E0, ruinFraction: 0.97, pnls, orders, returns: [...returns], blockLength: BLOCK, starts }), maxBuffer: 256 << 20,
    }).toString()) as Record<'shuffle' | 'bootstrap', { finalEquity: Quantiles; maxDrawdown: Quantiles; longestDrawdown: Quantiles; ruinProbability: number; fanStep: number[]; fanP50: number[]; fanP5: number[] }>;
    const ours = {
      shuffle: shuffleTrades(pnls, E0, { runs: RUNS, ruinFraction: 0.97, order: (run) => orders[run] }),
      bootstrap: blockBootstrap(returns, E0, { runs: RUNS, ruinFraction: 0.97, blockLength: BLOCK, starts: (run) => starts[run] }),
    };
    for (const method of ['shuffle', 'bootstrap'] as const) {
      const [a, b] = [ours[method], py[method]];
      for (const stat of ['finalEquity', 'maxDrawdown', 'longestDrawdown'] as const) {
        for (const q of ['p5', 'p25', 'p50', 'p75', 'p95', 'mean'] as const) expect(a[stat][q], `${method} ${stat} ${q}`).toBeCloseTo(b[stat][q], 8);
      }
      expect(a.ruinProbability, `${method} ruin`).toBe(b.ruinProbability);
      expect(a.fan.step).toEqual(b.fanStep);
      a.fan.p50.forEach((v, i) => expect(v).toBeCloseTo(b.fanP50[i], 8));
      a.fan.p5.forEach((v, i) => expect(v).toBeCloseTo(b.fanP5[i], 8));
    }
    expect(py.shuffle.maxDrawdown.p95).toBeGreaterThan(py.shuffle.maxDrawdown.p5); // the order of trades matters
    expect(py.shuffle.ruinProbability).toBeGreaterThan(0); // and the ruin level is reached on some paths
    expect(py.shuffle.ruinProbability).toBeLessThan(1);
  });
});

describe('Monte Carlo: the seeded draws', () => {
  const spread = (q: Quantiles) => q.p95 - q.p5;
  it('shuffling keeps every path\'s final equity (the sum of the trades) and is reproducible by seed', () => {
    const a = shuffleTrades(pnls, E0, { runs: 200, seed: 3 });
    const total = pnls.reduce((s, p) => s + p, E0);
    for (const q of ['p5', 'p50', 'p95'] as const) expect(a.finalEquity[q]).toBeCloseTo(total, 6);
    expect(shuffleTrades(pnls, E0, { runs: 200, seed: 3 })).toEqual(a);
    expect(shuffleTrades(pnls, E0, { runs: 200, seed: 4 }).maxDrawdown).not.toEqual(a.maxDrawdown);
    expect(spread(a.maxDrawdown)).toBeGreaterThan(0);
  });

  it('the shuffle is uniform: over 5,000 draws of one seeded sequence each trade lands in each position about equally often', () => {
    const rng = createRng(11);
    const seen = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
    for (let k = 0; k < 5000; k++) randomPermutation(new Uint32Array(5), rng.next).forEach((item, pos) => seen[item][pos]++);
    for (const row of seen) {
      const chi2 = row.reduce((s, o) => s + (o - 1000) ** 2 / 1000, 0);
      expect(chi2).toBeLessThan(18.47); // p = 0.001 at 4 degrees of freedom
    }
  });

  it('a bootstrap whose one block is the whole run rotates the returns: every path ends where the run ended', () => {
    const b: MonteCarloSummary = blockBootstrap(returns, E0, { runs: 50, seed: 2, blockLength: returns.length });
    const final = returns.reduce((e, r) => e * (1 + r), E0);
    expect(b.finalEquity.p5).toBeCloseTo(final, 6);
    expect(b.finalEquity.p95).toBeCloseTo(final, 6);
    expect(b.blockLength).toBe(returns.length);
  });
});

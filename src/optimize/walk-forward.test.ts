import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../session/run-backtest.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { loadSharedBars } from './load-shared.ts';
import { parseObjectives } from './objective.ts';
import type { SharedBars } from './shared-bars.ts';
import { TrialPool } from './trial-pool.ts';
import { foldWindows, parseWindow, walkForward } from './walk-forward.ts';

const FILE = sharedFile('backtrader/orcl-1995-2014.txt');
let bars: SharedBars;
let pool: TrialPool;
beforeAll(async () => {
  bars = await loadSharedBars(FILE);
  pool = new TrialPool(bars, 'ma-cross', 2);
}, 60_000);
afterAll(async () => pool?.close());

describe('fold windows', () => {
  const ts = Float64Array.from({ length: 100 }, (_, i) => i * 86_400e6);
  it('rolling by bars: train slides by the test length; the partial last test window is dropped', () => {
    const f = foldWindows(ts, { bars: 40 }, { bars: 25 }, false);
    expect(f).toEqual([{ trainFrom: 0, trainTo: 40, testTo: 65 }, { trainFrom: 25, trainTo: 65, testTo: 90 }]);
  });
  it('anchored by bars keeps the start at 0', () => {
    expect(foldWindows(ts, { bars: 40 }, { bars: 20 }, true)).toEqual([
      { trainFrom: 0, trainTo: 40, testTo: 60 }, { trainFrom: 0, trainTo: 60, testTo: 80 }, { trainFrom: 0, trainTo: 80, testTo: 100 },
    ]);
  });
  it('by time (days)', () => {
    expect(parseWindow('30d', 'train')).toEqual({ micros: 30 * 86_400e6 });
    expect(parseWindow('250', 'train')).toEqual({ bars: 250 });
    expect(() => parseWindow('2w', 'test')).toThrow(/duration/);
    const f = foldWindows(ts, { micros: 30 * 86_400e6 }, { micros: 30 * 86_400e6 }, false);
    expect(f).toEqual([{ trainFrom: 0, trainTo: 30, testTo: 60 }, { trainFrom: 30, trainTo: 60, testTo: 90 }]);
  });
});

describe('walkForward on ORCL daily', () => {
  it('optimizes in sample, evaluates out of sample and stitches the OOS equity', async () => {
    const windows = foldWindows(bars.ts.subarray(0, bars.length), { bars: 1000 }, { bars: 500 }, false);
    expect(windows).toHaveLength(8);
    const space = { params: { fast: { type: 'int' as const, low: 5, high: 20, step: 5 }, slow: { type: 'int' as const, low: 30, high: 90, step: 30 } } };
    const config = { strategy: 'ma-cross', cash: 100_000, data: [{ file: FILE, instrument: { symbol: 'ORCL' } }] };
    const wf = await walkForward({ config, space, sampler: 'grid', objectives: parseObjectives('sharpe'), seed: 1 }, bars, pool, windows);
    expect(wf.folds).toHaveLength(8);
    // The OOS equity covers exactly the test rows, in order, and starts from the initial cash.
    expect(wf.stitched.ts.length).toBe(8 * 500);
    expect(wf.stitched.ts[0]).toBe(bars.ts[1000]);
    expect(wf.stitched.ts[wf.stitched.ts.length - 1]).toBe(bars.ts[4999]);
    // Fold 0 checked independently: its best IS params re-run as a plain backtest over bars 0..1499;
    // the OOS return is that run's equity change over the test bars.
    const f0 = wf.folds[0];
    const cut = (rows: number) => ({ ...config, to: new Date(bars.ts[rows - 1] / 1000).toISOString() });
    const single = await runBacktest({ ...cut(1500), params: f0.best!.params }, { strategy: maCross });
    const eq = single.equity.equity;
    const expected = eq[1499] / eq[999];
    expect(wf.stitched.equity[499] / 100_000).toBeCloseTo(expected, 10);
    // IS best really is the best Sharpe among fold 0's grid trials
    const isRun = await runBacktest({ ...cut(1000), params: f0.best!.params }, { strategy: maCross });
    expect(f0.best!.values[0]).toBeCloseTo(isRun.metrics.sharpe, 12);
    expect(Object.keys(wf.paramStability)).toEqual(['fast', 'slow']);
    expect(wf.paramStability.fast.values).toHaveLength(8);
    expect(wf.overfitting!.splits).toBeGreaterThan(0);
    expect(wf.overfitting!.pbo).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(wf.efficiency)).toBe(true);
  }, 120_000);
});

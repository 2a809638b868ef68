import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../test/shared-data.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { optimizeStrategy, progressLines, walkForwardStrategy } from './research.ts';

const DATA = `${SHARED_DATA}/backtrader/orcl-1995-2014.txt`;
const config = { strategy: 'ma-cross', data: [{ file: DATA, instrument: { symbol: 'ORCL' } }], params: { size: 10 } };
const space = { params: { fast: { type: 'int' as const, low: 5, high: 15, step: 5 }, slow: { type: 'int' as const, low: 30, high: 50, step: 20 } } };

describe('research API (notebooks)', () => {
  it('optimizeStrategy: every trial equals a single backtest with its params; progress reaches the total', async () => {
    const seen: [number, number][] = [];
    const r = await optimizeStrategy({ config, space, workers: 2, onProgress: (d, t) => seen.push([d, t]) });
    expect(r.trials).toHaveLength(6);
    expect(seen.at(-1)).toEqual([6, 6]);
    for (const t of r.trials.slice(0, 3)) {
      const single = await runBacktest({ ...config, params: { ...config.params, ...t.params } });
      expect(t.finalValue).toBeCloseTo(single.finalValue, 8);
    }
  }, 60_000);

  it('walkForwardStrategy: folds of 1000 bars train / 500 test over the file, each with its bar times', async () => {
    const wf = await walkForwardStrategy({ config, space, workers: 2, train: 1000, test: 500 });
    // Rolling: fold k trains on [500k, 500k + 1000) and tests on the next 500 bars while they fit.
    expect(wf.folds.length).toBe(Math.floor((wf.ts.length - 1000) / 500));
    expect(wf.folds[1].window.trainFrom).toBe(500);
  }, 60_000);

  it('progressLines prints the first update, then at each 10% step up to the end', () => {
    const lines: string[] = [];
    const p = progressLines('x', (l) => lines.push(l));
    for (let i = 1; i <= 20; i++) p(i, 20);
    expect(lines).toHaveLength(11); // 5%, then 10% … 100%
    expect(lines.at(-1)).toMatch(/^x 20\/20 100%/);
  });
});

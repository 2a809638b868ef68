import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../core/search-space.ts';
import { join, resolve } from 'node:path';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';
import { edgeNote, edgeParams } from './edge.ts';

const tmp = tempDir();

const space: SearchSpace = {
  params: {
    period: { type: 'int', low: 5, high: 44, step: 3 }, // grid 5, 8, …, 44? 5 + 13·3 = 44: the top point is 44
    fast: { type: 'int', low: 2, high: 21, step: 4 }, // grid 2, 6, 10, 14, 18: the top point is 18, not 21
    width: { type: 'float', low: 0.5, high: 2.5 },
    kind: { type: 'categorical', choices: ['ema', 'sma'] },
  },
};

describe('best point on the edge of the searched range', () => {
  it('finds ends by hand: a stepped range ends at its last grid point', () => {
    expect(edgeParams({ period: 44, fast: 10, width: 1, kind: 'sma' }, space)).toEqual([{ name: 'period', value: 44, end: 'high' }]);
    expect(edgeParams({ period: 20, fast: 18, width: 1, kind: 'sma' }, space)).toEqual([{ name: 'fast', value: 18, end: 'high' }]);
    expect(edgeParams({ period: 5, fast: 2, width: 2.5, kind: 'ema' }, space)).toEqual([
      { name: 'period', value: 5, end: 'low' }, { name: 'fast', value: 2, end: 'low' }, { name: 'width', value: 2.5, end: 'high' },
    ]);
    expect(edgeParams({ period: 41, fast: 14, width: 2.49, kind: 'ema' }, space)).toEqual([]); // inside everywhere; categorical never
  });

  it('says so in one line', () => {
    expect(edgeNote([{ name: 'period', value: 44, end: 'high' }])).toBe(
      'note: the best point is at the edge of the searched range: period=44 (the highest searched) — the optimum may lie beyond it; widen the --grid range');
    expect(edgeNote([])).toBeNull();
  });
});

describe('lockstep optimize reports it', () => {
  it('--json bestOnEdge and the summary line agree with the trials (best found here from the trials, by hand)', async () => {
    const data = join(resolve(import.meta.dirname, '../..'), 'data/sample/2006-day-001.csv');
    const args = ['optimize', '--strategy', 'sma-cross', '--data', data, '--grid', 'period=10:40:10', '--no-report', '--out', join(tmp.dir, 'o')];
    const j = JSON.parse((await cli(...args, '--json')).out) as { trials: Array<{ params: { period: number }; values: number[] }>; bestOnEdge: unknown[] };
    const best = [...j.trials].sort((a, b) => b.values[0] - a.values[0])[0].params.period;
    const expected = best === 10 ? [{ name: 'period', value: 10, end: 'low' }] : best === 40 ? [{ name: 'period', value: 40, end: 'high' }] : [];
    expect(j.bestOnEdge).toEqual(expected);
    const text = (await cli(...args.slice(0, -2), '--out', join(tmp.dir, 'o2'))).out;
    expect(text.includes('note: the best point is at the edge')).toBe(expected.length > 0);
  }, 60_000);
});

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';

const DEMO = resolve(import.meta.dirname, '../../data/sample/2006-day-001.csv');
const tmp = tempDir();

describe('optimize reports how the best point\'s neighbours did (plateau or spike)', () => {
  it('--json plateau equals the neighbourhood computed from the printed trials', async () => {
    const r = await cli('optimize', '--strategy', 'sma-cross', '--data', DEMO, '--grid', 'period=5:40:1', '--out', join(tmp.dir, 'opt'), '--no-report', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { trials: Array<{ params: { period: number }; values: number[]; state: string }>; best: { params: { period: number }; values: number[] }; plateau: { neighbors: number; score: number } | null };
    const ok = j.trials.filter((t) => t.state === 'complete');
    const worst = Math.min(...ok.map((t) => t.values[0]));
    const best = j.best.values[0];
    const near = ok.filter((t) => Math.abs(t.params.period - j.best.params.period) === 1);
    const want = near.reduce((s, t) => s + (t.values[0] - worst) / (best - worst), 0) / near.length;
    expect(j.plateau?.neighbors).toBe(near.length);
    expect(j.plateau?.score).toBeCloseTo(want, 12);
    const spike = r.err.includes('the best point is a spike');
    expect(spike).toBe(near.length >= 2 && want < 0.5);
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { backtestOverfitting } from './backtest-overfitting.ts';

/**
 * CSCV written from its definition, separately: each split's in-sample and out-of-sample rows
 * listed out, the Sharpe ratio of the listed rows in two passes, the best in-sample trial's
 * average out-of-sample rank.
 */
function cscvByDefinition(trials: readonly ArrayLike<number>[], blocks: number): number[] {
  const size = Math.floor(trials[0].length / blocks);
  const sharpe = (r: ArrayLike<number>, rows: number[]) => {
    const m = rows.reduce((a, i) => a + r[i], 0) / rows.length;
    const sd = Math.sqrt(rows.reduce((a, i) => a + (r[i] - m) ** 2, 0) / (rows.length - 1));
    return sd > 0 ? m / sd : m > 0 ? Infinity : m < 0 ? -Infinity : 0;
  };
  const rowsOf = (bs: number[]) => bs.flatMap((b) => Array.from({ length: size }, (_, i) => b * size + i));
  const logits: number[] = [];
  const half = (from: number, chosen: number[]): void => {
    if (chosen.length === blocks / 2) {
      const test = Array.from({ length: blocks }, (_, b) => b).filter((b) => !chosen.includes(b));
      const is = trials.map((t) => sharpe(t, rowsOf(chosen)));
      const best = is.indexOf(Math.max(...is));
      const oos = trials.map((t) => sharpe(t, rowsOf(test)));
      const rank = oos.filter((s) => s < oos[best]).length + (oos.filter((s) => s === oos[best]).length + 1) / 2;
      const w = rank / (trials.length + 1);
      logits.push(Math.log(w / (1 - w)));
      return;
    }
    for (let b = from; b < blocks; b++) half(b + 1, [...chosen, b]);
  };
  half(0, []);
  return logits;
}

describe('backtestOverfitting', () => {
  it('gives the logits of CSCV written from its definition, bit for bit (ties, copies, flat series, leftover rows, trials in fours and three left over)', () => {
    const rng = createRng(9);
    for (const [n, rows, blocks] of [[200, 64, 12], [40, 37, 8], [12, 50, 10], [15, 40, 8]]) {
      const trials: ArrayLike<number>[] = Array.from({ length: n }, (_, j) => Float64Array.from({ length: rows }, () => (rng.next() - 0.5) * 0.02 + (j % 5 === 0 ? 0 : 0.001)));
      trials[3] = trials[2]; // the same series twice: tied Sharpe ratios
      trials[5] = new Array<number>(rows).fill(0); // no deviation: Sharpe 0 (and a plain array)
      trials[6] = Array.from(trials[6]);
      const want = cscvByDefinition(trials, blocks);
      const got = backtestOverfitting(trials, blocks);
      expect(new Set(want).size).toBeGreaterThan(3); // the splits disagree: a test of the ranking
      expect(got.logits).toEqual(want);
      expect(got.pbo).toBe(want.filter((l) => l <= 0).length / want.length);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { pythonFsums, pythonWindows } from '../../test/python-fsum.ts';
import { createRng, normal, type Rng } from '../core/rng.ts';
import { WindowSum } from './window-sum.ts';

/**
 * Every full window's value while `xs` slides through a WindowSum of length `n`; throws when
 * what `push` returns is not `full` after it (on every path these tests take: the split sums,
 * a re-cut, partials, non-finite values).
 */
function slide(xs: readonly number[], n: number): { sums: number[]; sum: WindowSum } {
  const sum = new WindowSum(n);
  const sums: number[] = [];
  xs.forEach((x, i) => {
    const full = sum.push(x);
    if (full !== sum.full) throw new Error(`push of value ${i} (${x}) returned ${full}, full is ${sum.full}`);
    if (full) sums.push(sum.value());
  });
  return { sums, sum };
}

function walk(rng: Rng, count: number, start: number, drift: number): number[] {
  let p = start;
  return Array.from({ length: count }, () => {
    p = Math.max(0.01, p * (1 + drift + 0.002 * normal(rng)));
    return Math.round(p * 100) / 100;
  });
}

/** Signed values spread over nine decades, a zero every 13th: low parts of every size. */
function decades(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 13 === 0) return 0;
    const m = Math.max(0.1, Math.abs(normal(rng))) * (rng.next() < 0.5 ? -1 : 1);
    return m * 10 ** -Math.floor(rng.next() * 9) + (i % 2 ? 1e-3 * rng.next() : 0);
  });
}

describe('WindowSum', () => {
  it('equals math.fsum of every window on 2-decimal prices, on the split path (windows 2, 30, 223)', () => {
    const xs = walk(createRng(11), 20_000, 103.77, 0);
    for (const n of [2, 30, 223]) {
      const { sums, sum } = slide(xs, n);
      expect(sums).toEqual(pythonWindows(xs, n).sums);
      expect(sum.usesSplit).toBe(true);
    }
  });

  it('stays exact when prices rise ten-thousandfold (the cut moves) and when they fall towards a cent', () => {
    const rising = walk(createRng(12), 20_000, 1.37, 0.0005);
    const falling = walk(createRng(13), 20_000, 5_000, -0.0005);
    expect(rising.at(-1)! / rising[0]).toBeGreaterThan(1e4);
    expect(falling.at(-1)).toBeLessThan(1);
    for (const xs of [rising, falling]) {
      const { sums, sum } = slide(xs, 30);
      expect(sums).toEqual(pythonWindows(xs, 30).sums);
      expect(sum.usesSplit).toBe(true);
    }
  });

  it('keeps every bit of low parts spread over nine decades, signs mixed, zeros among them', () => {
    const xs = decades(createRng(14), 20_000);
    for (const n of [5, 30]) {
      const { sums, sum } = slide(xs, n);
      expect(sums).toEqual(pythonWindows(xs, n).sums);
      expect(sum.usesSplit).toBe(true);
    }
  });

  it('falls back to partials when a window spans more than the split covers, and stays exact', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 4_000 }, (_, i) => (i % 7 === 0 ? 1e16 * (i % 2 ? 1 : -1) : normal(rng) * 10 ** Math.floor(rng.next() * 40 - 20)));
    const { sums, sum } = slide(xs, 17);
    expect(sums).toEqual(pythonWindows(xs, 17).sums);
    expect(sum.usesSplit).toBe(false);
  });

  it('sums windows with NaN and infinities as their plain sums, and exactly again once those have left', () => {
    // Windows of 3: [1, 2, NaN] … [NaN, 4, 5] are NaN, [4, 5, ∞] … [∞, 7, 8] are ∞, then 7 + 8 + 9 and 8 + 9 + 10.
    const { sums, sum } = slide([1, 2, Number.NaN, 4, 5, Infinity, 7, 8, 9, 10], 3);
    expect(sums).toEqual([Number.NaN, Number.NaN, Number.NaN, Infinity, Infinity, Infinity, 24, 27]);
    expect(sum.usesSplit).toBe(false);
  });

  it('replaceLast swaps the newest value: every window equals math.fsum of its values', () => {
    const rng = createRng(21);
    for (const [n, values] of [[7, walk(rng, 3_000, 88.1, 0)], [4, decades(rng, 3_000)]] as const) {
      const sum = new WindowSum(n);
      const window: number[] = [];
      const windows: number[][] = [];
      const got: number[] = [];
      values.forEach((x, i) => {
        if (i % 3 === 2 && window.length > 0) {
          sum.replaceLast(x);
          window[window.length - 1] = x;
        } else {
          sum.push(x);
          window.push(x);
          if (window.length > n) window.shift();
        }
        windows.push([...window]);
        got.push(sum.value());
      });
      expect(got).toEqual(pythonFsums(windows));
      expect(sum.usesSplit).toBe(true);
    }
  });
});

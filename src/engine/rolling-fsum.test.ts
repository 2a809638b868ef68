import { SMA as LeftToRightSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { pythonWindows } from '../../test/python-fsum.ts';
import { createRng, normal } from '../core/rng.ts';
import { SMA } from './sma.ts';
import { RollingFsum } from './rolling-fsum.ts';

/** 2-decimal prices on a random walk (where left-to-right sums round differently), plus wild magnitudes. */
function prices(count: number, seed: number): number[] {
  const rng = createRng(seed);
  let p = 103.77;
  return Array.from({ length: count }, () => {
    p = Math.max(0.01, p * (1 + 0.002 * normal(rng)));
    return Math.round(p * 100) / 100;
  });
}

describe('RollingFsum', () => {
  it('equals math.fsum of every window, bit for bit (2-decimal prices, windows 2, 30, 223)', () => {
    const xs = prices(20_000, 11);
    for (const n of [2, 30, 223]) {
      const want = pythonWindows(xs, n).sums;
      const s = new RollingFsum();
      const got: number[] = [];
      xs.forEach((x, i) => {
        if (i >= n) s.swap(xs[i - n], x); // within a factor of 2: one exact update of the difference
        else s.add(x);
        if (i >= n - 1) got.push(s.value());
      });
      expect(got).toEqual(want);
    }
  });

  it('equals math.fsum where naive sums lose everything (cancelling magnitudes, tiny and huge values)', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 4_000 }, (_, i) => {
      const m = normal(rng) * 10 ** Math.floor(rng.next() * 40 - 20);
      return i % 7 === 0 ? 1e16 * (i % 2 ? 1 : -1) : m;
    });
    const want = pythonWindows(xs, 17).sums;
    const s = new RollingFsum();
    const got: number[] = [];
    xs.forEach((x, i) => {
      if (i >= 17) s.swap(xs[i - 17], x); // mostly far apart or of other signs: remove, then add
      else s.add(x);
      if (i >= 16) got.push(s.value());
    });
    expect(got).toEqual(want);
  });

  it('rounds half-way cases to even, as fsum does', () => {
    const s = new RollingFsum();
    // 1 + 2^-53 is exactly half-way between 1 and the next double: the tie goes to 1 (even) ...
    s.add(1);
    s.add(2 ** -53);
    expect(s.value()).toBe(1);
    // ... and a further 2^-80 breaks the tie upwards, which a plain sum never sees.
    s.add(2 ** -80);
    expect(s.value()).toBe(1 + 2 ** -52);
    expect(1 + 2 ** -53 + 2 ** -80).toBe(1);
  });
});

describe('SMA', () => {
  it('is math.fsum(window) / n bit for bit, and within 1e-12 relative of the left-to-right average', () => {
    const xs = prices(20_000, 3);
    for (const n of [10, 30, 124]) {
      const want = pythonWindows(xs, n).means;
      const ours = new SMA(n);
      const plain = new LeftToRightSMA(n);
      const got: number[] = [];
      xs.forEach((x, i) => {
        const v = ours.add(x);
        const p = plain.add(x);
        if (i < n - 1) {
          expect(v).toBeNull();
          expect(p).toBeNull();
          return;
        }
        got.push(v!);
        expect(Math.abs(v! - p!)).toBeLessThanOrEqual(1e-12 * Math.abs(p!));
      });
      expect(got).toEqual(want);
    }
  });

  it('ties where the decimal averages are equal; the left-to-right average misses the tie', () => {
    // In cents: (855 + 310 + 450 + 715) / 4 = 582.5 = (450 + 715) / 2, so SMA(4) = SMA(2) = 5.825.
    const xs = [8.55, 3.1, 4.5, 7.15];
    const last = (sma: { add(x: number): number | null }) => xs.map((x) => sma.add(x)).at(-1);
    expect(last(new SMA(2))).toBe(5.825);
    expect(last(new SMA(4))).toBe(5.825);
    expect(last(new LeftToRightSMA(2))).toBe(5.825);
    expect(last(new LeftToRightSMA(4))).toBe(5.824999999999999);
  });

  it('replace swaps the last value (as trading-signals does), and getResult / isStable follow', () => {
    const xs = prices(300, 9);
    const ours = new SMA(20);
    const plain = new LeftToRightSMA(20);
    xs.forEach((x, i) => {
      ours.add(x);
      plain.add(x);
      if (i % 5 === 4) {
        const v = ours.replace(x + 0.37);
        const p = plain.replace(x + 0.37);
        if (p === null) expect(v).toBeNull();
        else expect(Math.abs(v! - p)).toBeLessThanOrEqual(1e-12 * p);
      }
      expect(ours.isStable).toBe(plain.isStable);
    });
    expect(Math.abs(ours.getResultOrThrow() - plain.getResultOrThrow())).toBeLessThanOrEqual(1e-12 * plain.getResultOrThrow());
  });

  it('getResult, getResultOrThrow and getState report what trading-signals reports, before and after the window fills', () => {
    const xs = prices(12, 4);
    const ours = new SMA(5);
    const plain = new LeftToRightSMA(5);
    expect(() => ours.getResultOrThrow()).toThrow(/minimum of "5" inputs/);
    for (const x of xs) {
      ours.add(x);
      plain.add(x);
      const want = plain.getResult();
      if (want === null) {
        expect(ours.getResult()).toBeNull();
        expect(() => ours.getResultOrThrow()).toThrow(/minimum of "5" inputs/);
        expect(ours.getState().result).toBeUndefined();
      } else {
        expect(Math.abs(ours.getResult()! - want)).toBeLessThanOrEqual(1e-12 * want);
        expect(ours.getResultOrThrow()).toBe(ours.getResult());
        expect(ours.getState().result).toBe(ours.getResult());
      }
    }
  });

  it('a non-finite value makes the average non-finite while it is in the window, then the exact sum resumes', () => {
    const s = new SMA(3);
    const out = [1, 2, Number.POSITIVE_INFINITY, 4, 5, 6, 7].map((x) => s.add(x));
    expect(out).toEqual([null, null, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 5, 6]);
    expect(new SMA(2).add(Number.NaN)).toBeNull();
    const t = new SMA(2);
    t.add(Number.NaN);
    expect(t.add(1)).toBeNaN();
    expect(t.add(3)).toBe(2);
    const u = new SMA(2);
    const inf = Number.POSITIVE_INFINITY;
    expect([1, inf, inf, inf, 2, 3, 4].map((x) => u.add(x))).toEqual([null, inf, inf, inf, inf, 2.5, 3.5]);
  });

  it('refuses a length that is not a whole number ≥ 1', () => {
    expect(() => new SMA(0)).toThrow(/whole number/);
    expect(() => new SMA(2.5)).toThrow(/whole number/);
  });
});

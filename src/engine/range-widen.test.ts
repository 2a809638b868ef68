import { describe, expect, it } from 'vitest';
import { widenRange } from './range-widen.ts';

/** The plain branches widenRange must equal. */
function reference(h: number, l: number, high: number, low: number): [number, number] {
  return [high > h ? high : h, low < l ? low : l];
}

function widened(h: number, l: number, high: number, low: number): [number, number] {
  const hs = Float64Array.of(0, h);
  const ls = Float64Array.of(0, l);
  widenRange(hs, ls, 1, high, low);
  return [hs[1], ls[1]];
}

/** A seeded generator (mulberry32), so a failure repeats. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('widenRange', () => {
  it('equals the plain comparisons on prices near the range (the branch-free path), bit for bit', () => {
    const r = rng(7);
    for (let k = 0; k < 200_000; k++) {
      const scale = 10 ** Math.floor(r() * 12 - 4); // 1e-4 … 1e7
      const h = scale * (1 + r());
      const l = h * (0.6 + 0.4 * r());
      // Within a factor of two of the ends, and past them either way (some on the boundary).
      const high = k % 97 === 0 ? 2 * h : h * (0.55 + 0.9 * r());
      const low = k % 89 === 0 ? l / 2 : l * (0.55 + 0.9 * r());
      const got = widened(h, l, high, low);
      const want = reference(h, l, high, low);
      expect(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `${h} ${l} ${high} ${low}: ${got} vs ${want}`).toBe(true);
    }
  });

  it('equals them on prices far from the range (the branches), bit for bit', () => {
    const r = rng(11);
    for (let k = 0; k < 100_000; k++) {
      const h = (1 + r()) * 10 ** Math.floor(r() * 8);
      const l = h * (0.6 + 0.4 * r());
      const high = h * 10 ** (r() * 40 - 20); // up to 1e20 times the end either way: differences round
      const low = l * 10 ** (r() * 40 - 20);
      const got = widened(h, l, high, low);
      const want = reference(h, l, high, low);
      expect(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `${h} ${l} ${high} ${low}: ${got} vs ${want}`).toBe(true);
    }
  });

  it('equals them on ulp-apart, subnormal, huge, signed, zero and non-finite prices', () => {
    const tiny = Number.MIN_VALUE;
    const max = Number.MAX_VALUE;
    const values = [1, 1 + Number.EPSILON, 1 - Number.EPSILON / 2, 2, 0.5, 0.4999999999999999, 2.0000000000000004, tiny, 2 * tiny, 3 * tiny,
      2.2250738585072014e-308, max, max / 2, max / 3, 0, -1, -0.5, -2, 100.01, 100.02, 99.99, Infinity, -Infinity, Number.NaN];
    for (const h of values) {
      for (const l of values) {
        for (const high of values) {
          for (const low of values) {
            const got = widened(h, l, high, low);
            const want = reference(h, l, high, low);
            // Equal values; a −0 end met by a 0 price may come out +0 (see widenRange).
            expect(got[0] === want[0] || (Number.isNaN(got[0]) && Number.isNaN(want[0])), `high of ${h} with ${high}`).toBe(true);
            expect(got[1] === want[1] || (Number.isNaN(got[1]) && Number.isNaN(want[1])), `low of ${l} with ${low}`).toBe(true);
          }
        }
      }
    }
  });

  it('takes a new high and a new low, and keeps the ends otherwise (hand-checked)', () => {
    expect(widened(100.5, 99.25, 100.75, 99.5)).toEqual([100.75, 99.25]);
    expect(widened(100.5, 99.25, 100.25, 99)).toEqual([100.5, 99]);
    expect(widened(-Infinity, Infinity, 3, 2)).toEqual([3, 2]); // an empty range: the branches
    expect(widened(0.1, 0.1, 0.30000000000000004, 0.05)).toEqual([0.30000000000000004, 0.05]); // beyond a factor of two
  });
});

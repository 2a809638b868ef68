import { SMA as PlainSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { SMA } from './sma.ts';

const series = Array.from({ length: 500 }, (_, i) => 100 + Math.sin(i / 7) * 5 + (i % 13) * 0.1);
/** The SMA's outputs, one per input. */
const plain = (xs: number[], p: number) => { const s = new SMA(p); return xs.map((x) => s.add(x)); };
const leftToRight = (xs: number[], p: number) => { const s = new PlainSMA(p); return xs.map((x) => s.add(x)); };
const naive = (xs: number[], p: number) => xs.map((_, i) => (i + 1 < p ? null : xs.slice(i + 1 - p, i + 1).reduce((a, b) => a + b, 0) / p));

describe('SMA', () => {
  it('is within 1e-12 of trading-signals and of a naive average', () => {
    const s = new SMA(20);
    const ours = series.map((x) => s.add(x));
    leftToRight(series, 20).forEach((v, i) => (v === null ? expect(ours[i]).toBeNull() : expect(Math.abs(ours[i]! - v)).toBeLessThanOrEqual(1e-12 * v)));
    naive(series, 20).forEach((v, i) => (v === null ? expect(ours[i]).toBeNull() : expect(ours[i]).toBeCloseTo(v, 10)));
  });
});

describe('SMA.value', () => {
  const valueSeries = (xs: number[], p: number, replace = -1) => {
    const s = new SMA(p);
    return xs.map((x, i) => {
      if (i === replace) s.replace(x + 1);
      else s.add(x);
      return s.value;
    });
  };
  const asNaN = (vs: (number | null)[]) => vs.map((v) => v ?? Number.NaN);

  it('is NaN until the window is full, then the naive average (to 1e-10) and the value add returned', () => {
    const got = valueSeries(series, 20);
    expect(got.slice(0, 19).every(Number.isNaN)).toBe(true);
    naive(series, 20).forEach((v, i) => (v === null ? expect(got[i]).toBeNaN() : expect(got[i]).toBeCloseTo(v, 10)));
    expect(got).toEqual(asNaN(plain(series, 20)));
  });

  it('follows a replaced value bit for bit', () => {
    const s = new SMA(12);
    const replaced = series.map((x, i) => (i === 40 ? s.replace(x + 1) : s.add(x)));
    expect(valueSeries(series, 12, 40)).toEqual(asNaN(replaced));
  });
});

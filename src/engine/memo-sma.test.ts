import { SMA as PlainSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { clearIndicatorMemo, withIndicatorMemo } from './indicator-memo.ts';
import { SMA } from './memo-sma.ts';

const series = Array.from({ length: 500 }, (_, i) => 100 + Math.sin(i / 7) * 5 + (i % 13) * 0.1);
/** The SMA computed directly (outside any memo scope): what a replay must reproduce bit for bit. */
const plain = (xs: number[], p: number) => { const s = new SMA(p); return xs.map((x) => s.add(x)); };
const leftToRight = (xs: number[], p: number) => { const s = new PlainSMA(p); return xs.map((x) => s.add(x)); };
const naive = (xs: number[], p: number) => xs.map((_, i) => (i + 1 < p ? null : xs.slice(i + 1 - p, i + 1).reduce((a, b) => a + b, 0) / p));

describe('memoized SMA', () => {
  it('outside a memo scope it computes directly, within 1e-12 of trading-signals and of a naive average', () => {
    const s = new SMA(20);
    const ours = series.map((x) => s.add(x));
    leftToRight(series, 20).forEach((v, i) => (v === null ? expect(ours[i]).toBeNull() : expect(Math.abs(ours[i]! - v)).toBeLessThanOrEqual(1e-12 * v)));
    naive(series, 20).forEach((v, i) => (v === null ? expect(ours[i]).toBeNull() : expect(ours[i]).toBeCloseTo(v, 10)));
  });

  it('inside a scope: the first instance records, later ones replay identical values', async () => {
    clearIndicatorMemo();
    const want = plain(series, 30);
    const run = () => withIndicatorMemo('t1', series.length, async () => { const s = new SMA(30); return series.map((x) => s.add(x)); });
    expect(await run()).toEqual(want);
    expect(await run()).toEqual(want);
    // two instances of the same length inside one run share the tape while it is being written
    const both = await withIndicatorMemo('t2', series.length, async () => {
      const a = new SMA(30);
      const b = new SMA(30);
      return series.map((x) => [a.add(x), b.add(x)]);
    });
    expect(both.map((p) => p[0])).toEqual(want);
    expect(both.map((p) => p[1])).toEqual(want);
  });

  it('a different input stream diverges from the tape and computes its own values', async () => {
    clearIndicatorMemo();
    await withIndicatorMemo('t3', series.length, async () => { const s = new SMA(10); series.forEach((x) => s.add(x)); });
    const other = series.map((x, i) => (i >= 200 ? x + 1 : x));
    const got = await withIndicatorMemo('t3', series.length, async () => { const s = new SMA(10); return other.map((x) => s.add(x)); });
    expect(got).toEqual(plain(other, 10));
  });

  it('state queries mid-replay see the real state', async () => {
    clearIndicatorMemo();
    await withIndicatorMemo('t4', series.length, async () => { const s = new SMA(5); series.forEach((x) => s.add(x)); });
    const ref = plain(series, 5);
    await withIndicatorMemo('t4', series.length, async () => {
      const s = new SMA(5);
      for (const x of series.slice(0, 50)) s.add(x);
      expect(s.isStable).toBe(true);
      expect(s.getResult()).toBe(ref[49]);
      expect(s.add(series[50])).toBe(ref[50]);
      expect(s.add(series[51])).toBe(ref[51]);
    });
  });
});

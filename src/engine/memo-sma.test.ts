import { SMA as PlainSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { clearIndicatorMemo, indicatorMemoValues, MEMO_MAX_VALUES, withIndicatorMemo } from './indicator-memo.ts';
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

  it('configurations fed the same inputs keep one copy of them; one fed other inputs keeps its own, and every replay is exact', async () => {
    clearIndicatorMemo();
    const n = series.length;
    const other = series.map((x, i) => (i >= 200 ? x + 1 : x));
    const run = () => withIndicatorMemo('t5', n, async () => {
      const a = new SMA(10), b = new SMA(30), c = new SMA(20);
      return series.map((x, i) => [a.add(x), b.add(x), c.add(other[i])]);
    });
    const first = await run();
    // the shared inputs (n) + three outputs (3n) + SMA(20)'s own inputs from its first differing value (n)
    expect(indicatorMemoValues()).toBe(5 * n);
    const again = await run();
    for (const out of [first, again]) {
      expect(out.map((r) => r[0])).toEqual(plain(series, 10));
      expect(out.map((r) => r[1])).toEqual(plain(series, 30));
      expect(out.map((r) => r[2])).toEqual(plain(other, 20));
    }
    // SMA(20) fed the shared inputs now: its recording (of `other`) no longer matches from bar 200
    const swapped = await withIndicatorMemo('t5', n, async () => { const c = new SMA(20); return series.map((x) => c.add(x)); });
    expect(swapped).toEqual(plain(series, 20));
    expect(indicatorMemoValues()).toBe(5 * n);
  });

  it('past the budget: nothing more is recorded, and what is computed instead is exact', async () => {
    clearIndicatorMemo();
    const cap = Math.floor(MEMO_MAX_VALUES / 3.5); // the inputs and two outputs fit; a third output or a copy of the inputs does not
    const other = series.map((x, i) => (i >= 200 ? x + 1 : x));
    const run = () => withIndicatorMemo('t6', cap, async () => {
      const a = new SMA(10), b = new SMA(30), c = new SMA(40);
      return series.map((x, i) => [a.add(x), b.add(other[i]), c.add(x)]);
    });
    for (let k = 0; k < 2; k++) {
      const out = await run();
      expect(out.map((r) => r[0])).toEqual(plain(series, 10));
      expect(out.map((r) => r[1])).toEqual(plain(other, 30)); // recorded up to bar 200, where its own copy was refused
      expect(out.map((r) => r[2])).toEqual(plain(series, 40)); // never recorded
      expect(indicatorMemoValues()).toBe(3 * cap);
    }
    clearIndicatorMemo();
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

  it('follows a replaced value and a memo replay bit for bit', async () => {
    const s = new SMA(12);
    const replaced = series.map((x, i) => (i === 40 ? s.replace(x + 1) : s.add(x)));
    expect(valueSeries(series, 12, 40)).toEqual(asNaN(replaced));
    clearIndicatorMemo();
    const want = asNaN(plain(series, 30));
    for (let run = 0; run < 2; run++) { // the first run records the tape, the second replays it
      const got = await withIndicatorMemo('value', series.length, async () => valueSeries(series, 30));
      expect(got).toEqual(want);
    }
  });
});

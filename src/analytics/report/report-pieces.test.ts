import { describe, expect, it } from 'vitest';
import { monthlyReturns } from '../monthly-returns.ts';
import { rollingSharpeVolatility } from '../rolling.ts';
import { decimateMinMax } from './decimate.ts';
import { esc, scriptJson } from './html-page.ts';
import { formatMetric } from './format.ts';

describe('decimateMinMax', () => {
  it('keeps every bucket extreme and the last point, and at most 2 points per bucket', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => Math.sin(i / 500) + (i === 31_337 ? 10 : 0) - (i === 77_777 ? 10 : 0));
    const d = decimateMinMax(x, y, 1000);
    expect(d.x.length).toBeLessThanOrEqual(2001);
    expect(Math.max(...d.y)).toBe(Math.max(...y));
    expect(Math.min(...d.y)).toBe(Math.min(...y));
    expect(d.x[d.x.length - 1]).toBe(n - 1);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]).toBeGreaterThan(d.x[i - 1]);
  });
  it('leaves short series alone', () => {
    expect(decimateMinMax([1, 2, 3], [4, 5, 6])).toEqual({ x: [1, 2, 3], y: [4, 5, 6] });
  });
});

describe('monthlyReturns', () => {
  it('compounds within each month, chaining from the previous month end (hand-checked)', () => {
    const d = (y: number, m: number, day: number) => Date.UTC(y, m - 1, day) * 1000;
    const ts = [d(2023, 12, 30), d(2024, 1, 15), d(2024, 1, 31), d(2024, 2, 10), d(2024, 4, 1)];
    const eq = [100, 105, 110, 99, 108.9];
    const m = monthlyReturns(ts, eq);
    expect(m.years).toEqual([2023, 2024]);
    expect(m.values[0][11]).toBeCloseTo(0, 12); // Dec 2023: only the first point
    expect(m.values[1][0]).toBeCloseTo(0.1, 12); // 110 / 100
    expect(m.values[1][1]).toBeCloseTo(-0.1, 12); // 99 / 110
    expect(m.values[1][2]).toBeNaN(); // no March data
    expect(m.values[1][3]).toBeCloseTo(0.1, 12); // 108.9 / 99
  });
});

describe('rollingSharpeVolatility', () => {
  it('matches a naive window recomputation', () => {
    const r = Array.from({ length: 300 }, (_, i) => Math.sin(i * 1.7) * 0.01 + 0.0005);
    const w = 20;
    const roll = rollingSharpeVolatility(r, w, 252);
    for (const i of [19, 100, 299]) {
      const win = r.slice(i - w + 1, i + 1);
      const m = win.reduce((a, b) => a + b) / w;
      const sd = Math.sqrt(win.reduce((a, b) => a + (b - m) ** 2, 0) / (w - 1));
      expect(roll.volatility[i]).toBeCloseTo(sd * Math.sqrt(252), 10);
      expect(roll.sharpe[i]).toBeCloseTo((m / sd) * Math.sqrt(252), 8);
    }
    expect(roll.sharpe[18]).toBeNaN();
  });
});

describe('HTML helpers', () => {
  it('escape text and keep script JSON from closing the element', () => {
    expect(esc('<b>"x" & \'y\'</b>')).toBe('&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;');
    expect(scriptJson({ a: '</script>', b: Number.NaN })).toBe('{"a":"\\u003c/script>","b":null}');
  });
  it('format metrics', () => {
    expect(formatMetric('totalReturn', 0.0284)).toBe('2.84%');
    expect(formatMetric('sharpe', Number.NaN)).toBe('—');
    expect(formatMetric('profitFactor', Infinity)).toBe('∞');
    expect(formatMetric('trades', 1890)).toBe('1,890');
  });
});

import { histogram } from './histogram.ts';
describe('histogram', () => {
  it('counts every finite value once into equal-width bins (hand-checked)', () => {
    const h = histogram([0, 1, 2, 3, 4, 10, Number.NaN, Infinity], 5);
    expect(h.width).toBe(2);
    expect(h.counts).toEqual([2, 2, 1, 0, 1]); // [0,2) [2,4) [4,6) [6,8) [8,10]
    expect(h.centers).toEqual([1, 3, 5, 7, 9]);
    expect(histogram([], 3).counts).toEqual([]);
    expect(histogram([5, 5], 3)).toEqual({ centers: [5], counts: [2], width: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { inferTickSize } from './instrument-spec.ts';

describe('inferTickSize', () => {
  it('is the largest power-of-ten step every value of the columns is on', () => {
    expect(inferTickSize([[100, 101.5], Float64Array.of(99.25)])).toBe(0.01);
    expect(inferTickSize([[3, 7], [12]])).toBe(1);
    expect(inferTickSize([[1.5, Number.NaN, Infinity], [2]])).toBe(0.1); // non-finite values need no decimals
    expect(inferTickSize([[Math.PI]])).toBe(1e-8); // finer than 8 decimals: 1e-8
    expect(inferTickSize([])).toBe(1);
    expect(inferTickSize([[0.001], []])).toBe(0.001);
  });

  it('reads the first `limit` values of the columns together, in order', () => {
    expect(inferTickSize([[1, 2, 3], [4.5]], 3)).toBe(1); // 4.5 is past the limit
    expect(inferTickSize([[1, 2], [3, 4.5]], 4)).toBe(0.1);
  });

  it('finds k decimals in random prices on a 10^-k grid (the columns of a bar batch)', () => {
    const rng = createRng(4);
    for (let k = 0; k <= 6; k++) {
      const col = () => Float64Array.from({ length: 10_000 }, () => Math.round((50 + rng.next() * 100) * 10 ** k) / 10 ** k);
      const cols = [col(), col(), col(), col()];
      cols[3][9_999] = Math.round(cols[3][9_999] * 10 ** k + 1) / 10 ** k; // the one value with the last decimal set may be the last
      expect(inferTickSize(cols)).toBe(Number((10 ** -k).toFixed(k)));
    }
  });
});

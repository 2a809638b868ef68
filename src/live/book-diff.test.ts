import { describe, expect, it } from 'vitest';
import { L2Book } from '../book/l2-book.ts';
import { BookDiff } from './book-diff.ts';

describe('BookDiff', () => {
  it('rebuilds then emits only changes; replaying the deltas reproduces each snapshot', () => {
    const snaps: Array<[number[][], number[][]]> = [
      [[[100, 1], [99, 2]], [[101, 1], [102, 3]]],
      [[[100, 2], [99, 2]], [[101, 1]]],
      [[[99.5, 1]], [[100.5, 4], [101, 1]]],
    ];
    const d = new BookDiff();
    const book = new L2Book();
    snaps.forEach(([bids, asks], k) => {
      const deltas = d.diff(bids, asks, k, k, 'X', 0);
      expect(deltas.at(-1)!.last).toBe(true);
      if (k === 0) expect(deltas[0].clear).toBe(true);
      if (k === 1) expect(deltas).toHaveLength(2); // bid 100 → 2, ask 102 removed
      for (const x of deltas) {
        if (x.clear) book.clear();
        book.apply(x.side, x.price, x.qty);
      }
      expect(book.top(1, 10)).toEqual(bids);
      expect(book.top(-1, 10)).toEqual(asks);
    });
  });
});

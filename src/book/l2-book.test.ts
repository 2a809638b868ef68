import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { L2Book } from './l2-book.ts';

describe('L2Book', () => {
  it('best prices, depth, top levels, mid, microprice and volume-adjusted mid (hand-checked)', () => {
    const b = new L2Book();
    b.apply(1, 99, 5); b.apply(1, 100, 2); b.apply(1, 98, 10);
    b.apply(-1, 101, 1); b.apply(-1, 103, 4); b.apply(-1, 102, 3);
    expect([b.bestBid(), b.bestAsk(), b.mid(), b.spread()]).toEqual([100, 101, 100.5, 1]);
    expect(b.top(1, 5)).toEqual([[100, 2], [99, 5], [98, 10]]);
    expect(b.top(-1, 2)).toEqual([[101, 1], [102, 3]]);
    expect(b.depthAt(-1, 102)).toBe(3);
    expect(b.depthAt(-1, 104)).toBe(0);
    expect(b.microprice()).toBeCloseTo((100 * 1 + 101 * 2) / 3, 12);
    // buy 4: 1@101 + 3@102 = 407 → 101.75; sell 4: 2@100 + 2@99 = 398 → 99.5; mean 100.625
    expect(b.volumeAdjustedMid(4)).toBeCloseTo(100.625, 12);
    expect(b.volumeAdjustedMid(100)).toBeNaN();
    expect(b.state()).toBe('ok');
  });

  it('removes levels with size 0, detects locked and crossed books, clears', () => {
    const b = new L2Book();
    b.apply(1, 100, 2); b.apply(-1, 101, 1);
    b.apply(-1, 101, 0);
    expect(b.bestAsk()).toBeNaN();
    expect(b.state()).toBe('one-sided');
    b.apply(-1, 100, 1);
    expect(b.state()).toBe('locked');
    b.apply(-1, 99.5, 1);
    expect(b.state()).toBe('crossed');
    b.clear();
    expect(b.state()).toBe('empty');
  });

  it('matches a naive map-based book under 50,000 random updates (property test)', () => {
    const rng = createRng(3);
    const b = new L2Book();
    const ref = { 1: new Map<number, number>(), [-1]: new Map<number, number>() } as Record<number, Map<number, number>>;
    for (let i = 0; i < 50_000; i++) {
      const side = rng.next() < 0.5 ? 1 : -1;
      const tick = Math.floor(rng.next() * 200);
      const price = side === 1 ? 1000 - tick * 0.5 : 1000.5 + tick * 0.5;
      const size = rng.next() < 0.3 ? 0 : Math.floor(rng.next() * 50) + 1;
      b.apply(side as 1 | -1, price, size);
      if (size === 0) ref[side].delete(price);
      else ref[side].set(price, size);
      if (i % 997 === 0) {
        for (const s of [1, -1] as const) {
          const sorted = [...ref[s].entries()].sort((x, y) => (s === 1 ? y[0] - x[0] : x[0] - y[0]));
          expect(b.top(s, 1000)).toEqual(sorted);
        }
      }
    }
  });
});

describe('SideBook.setOnly', () => {
  it('replaces the side with one level, or empties it', () => {
    const b = new L2Book();
    b.apply(1, 99, 1); b.apply(1, 98, 2);
    b.bids.setOnly(100, 3);
    expect(b.top(1, 5)).toEqual([[100, 3]]);
    b.bids.setOnly(100, 0);
    expect(b.bestBid()).toBeNaN();
  });
});

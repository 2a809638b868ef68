import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../core/search-space.ts';
import { plateauOf, plateauWarning } from './plateau.ts';

const space: SearchSpace = { params: { fast: { type: 'int', low: 2, high: 10, step: 2 }, slow: { type: 'int', low: 20, high: 60, step: 20 }, mode: { type: 'categorical', choices: ['a', 'b'] } } };
const t = (fast: number, slow: number, value: number, mode = 'a') => ({ params: { fast, slow, mode }, value });

describe('plateau check of the best grid point', () => {
  it('a spike: the best (value 10) among neighbours 1, 2 and 0 (worst 0) scores (0.1 + 0.2 + 0) / 3 = 0.1', () => {
    const best = t(6, 40, 10);
    const trials = [best, t(4, 40, 1), t(8, 40, 2), t(6, 20, 0), t(10, 60, 5), t(6, 40, 9, 'b'), t(2, 20, 3)];
    // Not neighbours: (10, 60) is two steps away in fast, (6, 40, 'b') has another category, (2, 20) two steps away.
    const p = plateauOf(best, trials, space, true)!;
    expect(p.neighbors).toBe(3);
    expect(p.score).toBeCloseTo(0.1, 12);
    expect(plateauWarning(p)).toMatch(/spike: its 3 neighbouring trials score 10% of the way/);
  });

  it('a plateau: neighbours 9 and 8 with worst 0 score 0.85; minimizing flips the scale', () => {
    const best = t(6, 40, 10);
    const p = plateauOf(best, [best, t(4, 40, 9), t(6, 60, 8), t(2, 20, 0)], space, true)!;
    expect(p.score).toBeCloseTo(0.85, 12);
    expect(plateauWarning(p)).toBeNull();
    const low = t(6, 40, 1);
    const q = plateauOf(low, [low, t(4, 40, 2), t(8, 40, 11), t(2, 20, 11)], space, false)!;
    expect(q.score).toBeCloseTo((0.9 + 0) / 2, 12); // (11 − 2) / 10 and (11 − 11) / 10
  });

  it('no neighbours or no spread: nothing to say', () => {
    const best = t(6, 40, 10);
    expect(plateauOf(best, [best, t(10, 60, 3)], space, true)).toBeNull();
    expect(plateauOf(best, [best, t(4, 40, 10)], space, true)).toBeNull();
  });
});

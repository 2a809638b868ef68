import { describe, expect, it } from 'vitest';
import { createRng, normal } from './rng.ts';

describe('rng', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
  });

  it('draws uniforms in [0,1) with mean 1/2 and normals with unit variance', () => {
    const r = createRng(1);
    const n = 200_000;
    let s = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      s += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += normal(r) ** 2;
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.02);
  });
});

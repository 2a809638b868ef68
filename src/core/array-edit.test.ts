import { describe, expect, it } from 'vitest';
import { withNatives } from '../../test/natives.ts';
import { insertAt, packedMap, removeAt, removeItem, truncate } from './array-edit.ts';
import { createRng } from './rng.ts';

describe('array edits', () => {
  it('do what splice does, on random edit sequences (checked against splice on a copy)', () => {
    const rng = createRng(3);
    const ours: number[] = [];
    const ref: number[] = [];
    for (let step = 0; step < 5_000; step++) {
      const op = Math.floor(rng.next() * 4);
      const i = Math.floor(rng.next() * (ref.length + 1));
      const x = Math.floor(rng.next() * 50);
      if (op === 0) {
        insertAt(ours, i, x);
        ref.splice(i, 0, x);
      } else if (op === 1 && ref.length > 0) {
        const k = Math.min(i, ref.length - 1);
        removeAt(ours, k);
        ref.splice(k, 1);
      } else if (op === 2) {
        const had = ref.indexOf(x);
        expect(removeItem(ours, x)).toBe(had >= 0);
        if (had >= 0) ref.splice(had, 1);
      } else if (rng.next() < 0.2) {
        const n = Math.floor(rng.next() * (ref.length + 1));
        truncate(ours, n);
        ref.length = n;
      }
      expect(ours).toEqual(ref);
    }
  });
});

describe('removeAt', () => {
  it('refuses an index outside the list (splice(-1, 1) would remove the last element)', () => {
    const list = [1, 2, 3];
    expect(() => removeAt(list, -1)).toThrow(RangeError);
    expect(() => removeAt(list, 3)).toThrow(/outside the list's 3 elements/);
    expect(list).toEqual([1, 2, 3]);
  });
});

describe('anyValues', () => {
  it('is empty, and strings and objects pushed onto it leave its map as it was (a [] changes it)', () => {
    const out = withNatives(`
      const { anyValues } = await import('./src/core/array-edit.ts');
      const a = anyValues(), b = anyValues(), c = [], d = [];
      const empty = a.length === 0;
      a.push('id-1'); a.push({ x: 1 }); c.push('id-1');
      console.log(JSON.stringify([empty, %HaveSameMap(a, b), %HaveSameMap(c, d), %HasSmiElements(b), %HasSmiElements(d)]));`);
    // anyValues: empty, map unchanged by the pushes, not small-integer; [] (the premise): changed, small-integer.
    expect(JSON.parse(out)).toEqual([true, true, false, false, true]);
  }, 60_000);
});


describe('doubles', () => {
  it('is empty, in the double kind, and timestamps and NaN pushed onto it leave its map as it was (a [] changes it)', () => {
    const out = withNatives(`
      const { doubles } = await import('./src/core/array-edit.ts');
      const a = doubles(), b = doubles(), c = [], d = [];
      const empty = a.length === 0;
      a.push(7); a.push(1_577_836_800_000_000); a.push(Number.NaN); c.push(7); c.push(1_577_836_800_000_000);
      console.log(JSON.stringify([empty, %HaveSameMap(a, b), %HasDoubleElements(b), %HaveSameMap(c, d), %HasSmiElements(d), a[1], Number.isNaN(a[2])]));`);
    // doubles: empty, double kind, map unchanged by the pushes, values kept; [] (the premise): changed, small-integer.
    expect(JSON.parse(out)).toEqual([true, true, true, false, true, 1_577_836_800_000_000, true]);
  }, 60_000);
});

describe('packedMap', () => {
  it('maps as Array#map does', () => {
    const xs = ['a', 'bb', 'ccc'];
    expect(packedMap(xs, (x, i) => `${i}:${x.length}`)).toEqual(xs.map((x, i) => `${i}:${x.length}`));
    expect(packedMap([], () => 1)).toEqual([]);
  });

  it('gives the same packed map from interpreted and optimized code (Array#map turns holey once optimized)', () => {
    const out = withNatives(`
      const { packedMap } = await import('./src/core/array-edit.ts');
      const ids = ['X', 'Y'];
      const ours = () => packedMap(ids, () => ({ open: 0.5 }));
      const builtin = () => ids.map(() => ({ open: 0.5 }));
      const cold = [ours(), builtin()];
      // Twenty calls first: V8 gives a function feedback at its eighth call, and only a callee with feedback is inlined.
      for (const f of [ours, builtin]) { %PrepareFunctionForOptimization(f); for (let i = 0; i < 20; i++) f(); %OptimizeFunctionOnNextCall(f); }
      const hot = [ours(), builtin()];
      console.log(JSON.stringify([%GetOptimizationStatus(ours) & 16, %GetOptimizationStatus(builtin) & 16,
        %HasHoleyElements(cold[0]), %HasHoleyElements(hot[0]), %HaveSameMap(cold[0], hot[0]),
        %HasHoleyElements(cold[1]), %HasHoleyElements(hot[1]), %HaveSameMap(cold[1], hot[1])]));`);
    // Both optimized (status bit 16: TurboFan code); ours packed and one map either way; the premise: Array#map's kind and map change.
    expect(JSON.parse(out)).toEqual([16, 16, false, false, true, false, true, false]);
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { RunColumn, StepColumn } from './compact-columns.ts';
import { liveLargeObjectBytes } from '../../test/heap-spaces.ts';
import { withNatives } from '../../test/natives.ts';

describe('StepColumn (a rarely changing column as its change points)', () => {
  it('gives every point the last value set for it, bit for bit, whatever the changes', () => {
    const rng = createRng(21);
    const col = new StepColumn();
    const expected: number[] = [];
    let v = 5;
    for (let i = 0; i < 20_000; i++) {
      for (let w = 0; w < 1 + Math.floor(rng.next() * 3); w++) { // later writes to the same point overwrite
        const u = rng.next();
        if (u < 0.02) v = -0;
        else if (u < 0.04) v = 0;
        else if (u < 0.06 && i > 0) v = expected[i - 1]; // back to the previous point's
        else if (u < 0.1) v = rng.next() * 1e6;
        col.set(i, v);
      }
      expected.push(v);
    }
    expect(Array.from(col.writeInto(new Float64Array(20_000), 20_000))).toEqual(expected); // toEqual tells −0 from 0
  });

  it('gives back changes spread over many of its 4,096-change blocks, whole and in any stretch', () => {
    const rng = createRng(23);
    const col = new StepColumn();
    const expected = new Float64Array(30_000);
    let v = 1;
    for (let i = 0; i < expected.length; i++) {
      if (rng.next() < 0.6) v = rng.next() * 1e5 - 5e4; // ~18k changes: five blocks
      col.set(i, v);
      expected[i] = v;
    }
    expect(Array.from(col.writeInto(new Float64Array(expected.length), expected.length))).toEqual(Array.from(expected));
    for (const [from, to] of [[4_000, 9_000], [8_191, 8_193], [0, 1], [29_999, 30_000], [12_345, 23_456]]) {
      const out = new Float64Array(to - from);
      col.writeRange(out, from, to);
      expect(Array.from(out)).toEqual(Array.from(expected.subarray(from, to)));
    }
  });

  it('writes runs short and long (a loop below 64 points, fill above) and, given `plus`, each point plus it, bit for bit', () => {
    const rng = createRng(29);
    const col = new StepColumn();
    const n = 50_000;
    const expected = new Float64Array(n);
    const plus = new Float64Array(n);
    let v = 3;
    for (let i = 0; i < n; ) {
      const run = rng.next() < 0.5 ? 1 + Math.floor(rng.next() * 63) : 64 + Math.floor(rng.next() * 400);
      v = [-0, 0, rng.next() * 1e6, -rng.next() * 1e3][Math.floor(rng.next() * 4)];
      for (const end = Math.min(n, i + run); i < end; i++) {
        col.set(i, v);
        expected[i] = v;
        plus[i] = rng.next() < 0.1 ? -0 : (rng.next() - 0.5) * 1e4;
      }
    }
    expect(Array.from(col.writeInto(new Float64Array(n), n))).toEqual(Array.from(expected)); // toEqual tells −0 from 0
    for (const [from, to] of [[0, n], [17, 4_113], [30_001, 30_002], [12_000, 49_999]]) {
      const out = new Float64Array(to - from);
      col.writeRange(out, from, to, plus);
      expect(Array.from(out)).toEqual(Array.from(expected.subarray(from, to), (x, j) => x + plus[from + j]));
    }
  });

  it('keeps no large object alive: 200k changes are typed blocks (two growing arrays held 4.1 MB)', () => {
    const before = liveLargeObjectBytes();
    const col = new StepColumn();
    for (let i = 0; i < 200_000; i++) col.set(i, i % 2 === 0 ? 1.5 : -2.5);
    expect(liveLargeObjectBytes() - before).toBeLessThan(128 * 1024);
    const out = new Float64Array(3);
    col.writeRange(out, 199_997, 200_000);
    expect(Array.from(out)).toEqual([-2.5, 1.5, -2.5]);
  });

  it('writes nothing for an empty column and fills to n after the last change', () => {
    const out = new Float64Array(4).fill(9);
    expect(Array.from(new StepColumn().writeInto(out, 0))).toEqual([]);
    const col = new StepColumn();
    col.set(0, 1);
    col.set(2, 3);
    expect(Array.from(col.writeInto(out, 4))).toEqual([1, 1, 3, 3]);
  });
});

describe('RunColumn (evenly spaced values as runs)', () => {
  it('gives back every value appended, bit for bit: regular spacing, gaps, odd steps and fractions', () => {
    const rng = createRng(22);
    const values: number[] = [];
    let t = 1_700_000_000_000_000; // µs
    for (let i = 0; i < 50_000; i++) {
      const u = rng.next();
      t += u < 0.01 ? 3_600_000_000 : u < 0.02 ? Math.floor(rng.next() * 1e6) : u < 0.025 ? 0.1 : 60_000_000; // mostly 1-min bars
      values.push(t);
    }
    const fractions = Array.from({ length: 1_000 }, (_, i) => 0.1 * i + (i % 7 === 0 ? 1e-9 : 0)); // steps that are not exact in binary
    for (const vs of [values, fractions]) {
      const col = new RunColumn();
      vs.forEach((v, i) => col.add(i, v));
      expect(Array.from(col.writeInto(new Float64Array(vs.length), vs.length))).toEqual(vs);
    }
  });

  it('gives back single points, a single run and an empty column', () => {
    // [1e20, 1, …]: 1e20 + (1 − 1e20) is 0, not 1, so the second point starts a run of its own.
    for (const vs of [[], [7], [7, 9], [1, 2, 3, 4], [1, 2, 4, 8, 9, 10], [1e20, 1, 5], [0.1, 1e17, 2e17]]) {
      const col = new RunColumn();
      vs.forEach((v, i) => col.add(i, v));
      expect(Array.from(col.writeInto(new Float64Array(vs.length), vs.length))).toEqual(vs);
    }
  });
});

describe('RunColumn in V8', () => {
  it('keeps its lists in the maps a new column starts with (timestamps and NaN steps changed a [] in every run: the bar loop was compiled again)', () => {
    const out = withNatives(`
      const { RunColumn } = await import('./src/engine/compact-columns.ts');
      const used = new RunColumn(), fresh = new RunColumn();
      for (let i = 0; i < 10; i++) used.add(i, 1_577_836_800_000_000 + 60_000_000 * (i < 5 ? i : i + 3));
      console.log(JSON.stringify(['at', 'from', 'step'].map((k) => %HaveSameMap(used[k], fresh[k]))));`);
    expect(JSON.parse(out)).toEqual([true, true, true]);
  }, 60_000);
});

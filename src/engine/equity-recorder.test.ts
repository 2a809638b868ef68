import { describe, expect, it } from 'vitest';
import { EquityRecorder } from './equity-recorder.ts';

describe('EquityRecorder', () => {
  it('keeps one point per timestamp (last write wins) across chunk boundaries', () => {
    const r = new EquityRecorder();
    const n = 150_000; // > two 64k chunks
    for (let i = 0; i < n; i++) {
      r.record(i * 10, i, -i, 0);
      r.record(i * 10, i + 0.5, -i, i % 2); // same time: overwrites
    }
    const c = r.curve();
    expect(r.length).toBe(n);
    expect(c.ts.length).toBe(n);
    for (const i of [0, 65_535, 65_536, 131_071, 131_072, n - 1]) {
      expect([c.ts[i], c.equity[i], c.cash[i], c.exposure[i]]).toEqual([i * 10, i + 0.5, -i, i % 2]);
    }
  });
  it('an empty recorder gives empty columns', () => {
    expect(new EquityRecorder().curve().ts.length).toBe(0);
  });
});

describe('EquityRecorder with expected points', () => {
  it('records into preallocated columns and spills to chunks when more points arrive', () => {
    for (const expected of [10, 100]) {
      const r = new EquityRecorder(expected);
      for (let i = 0; i < 50; i++) {
        r.record(i, i, 0, 0);
        r.record(i, i * 2, -i, 1);
      }
      const c = r.curve();
      expect(c.ts.length).toBe(50);
      expect(Array.from(c.equity.subarray(45))).toEqual([90, 92, 94, 96, 98]);
      expect(c.cash[49]).toBe(-49);
      expect(c.exposure[0]).toBe(1);
    }
  });
});

describe('EquityRecorder of a run of unknown length', () => {
  const resizable = (a: Float64Array) => (a.buffer as unknown as { resizable: boolean }).resizable;

  it('grows its columns in place and returns views of them, not copies', () => {
    const r = new EquityRecorder();
    const n = 200_000; // grows 65,536 → 131,072 → 262,144
    for (let i = 0; i < n; i++) r.record(i, 1_000 + i, 2 * i, i % 3);
    const c = r.curve();
    expect(resizable(c.ts) && resizable(c.equity) && resizable(c.cash) && resizable(c.exposure)).toBe(true);
    expect(c.equity.length).toBe(n);
    for (const i of [0, 65_535, 65_536, 131_071, 131_072, n - 1]) expect([c.ts[i], c.equity[i], c.cash[i], c.exposure[i]]).toEqual([i, 1_000 + i, 2 * i, i % 3]);
  });

  it('moves to chunks past the most it may grow to, losing no point', () => {
    const r = new EquityRecorder(0, null, null, 100);
    for (let i = 0; i < 250; i++) r.record(i, i / 4, -i, 0);
    const c = r.curve();
    expect(resizable(c.equity)).toBe(false);
    expect(Array.from(c.ts)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(Array.from(c.equity)).toEqual(Array.from({ length: 250 }, (_, i) => i / 4));
  });
});

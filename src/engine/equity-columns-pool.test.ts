import { describe, expect, it } from 'vitest';
import { EquityColumnsPool } from './equity-columns-pool.ts';
import { EquityRecorder } from './equity-recorder.ts';

describe('EquityColumnsPool', () => {
  it('hands a given-back set to the next run that fits in it, and new columns otherwise', () => {
    const pool = new EquityColumnsPool();
    const a = pool.take(100);
    expect([a.ts.length, a.equity.length, a.cash.length, a.exposure.length]).toEqual([100, 100, 100, 100]);
    pool.give(a);
    expect(pool.take(80)).toBe(a);
    pool.give(a);
    const b = pool.take(200);
    expect(b).not.toBe(a);
    expect(b.ts.length).toBe(200);
  });

  it('keeps at most `keep` free sets, the largest', () => {
    const pool = new EquityColumnsPool(2);
    const sets = [10, 30, 20].map((n) => pool.take(n));
    for (const s of sets) pool.give(s);
    pool.give(sets[0]);
    expect(pool.size).toBe(2);
    expect(pool.take(25)).toBe(sets[1]);
    expect(pool.take(15)).toBe(sets[2]);
    expect(pool.take(5)).not.toBe(sets[0]);
  });
});

describe('EquityRecorder recording into given columns', () => {
  it('writes into them and returns views of the points recorded, old values beyond them unseen', () => {
    const pool = new EquityColumnsPool();
    const storage = pool.take(4);
    storage.equity.fill(-1);
    const rec = new EquityRecorder(3, null, storage);
    rec.record(1, 100, 100, 0);
    rec.record(2, 101, 50, 51);
    rec.record(2, 102, 50, 52); // same time: overwrites
    const c = rec.curve();
    expect(c.equity.buffer).toBe(storage.equity.buffer);
    expect([...c.ts]).toEqual([1, 2]);
    expect([...c.equity]).toEqual([100, 102]);
    expect([...c.exposure]).toEqual([0, 52]);
  });

  it('falls back to its own chunks when more points come than the columns hold', () => {
    const storage = new EquityColumnsPool().take(2);
    const rec = new EquityRecorder(2, null, storage);
    for (let t = 1; t <= 5; t++) rec.record(t, 10 * t, t, 0);
    expect([...rec.curve().equity]).toEqual([10, 20, 30, 40, 50]);
  });

  it('ignores columns shorter than the points expected', () => {
    const storage = new EquityColumnsPool().take(2);
    const rec = new EquityRecorder(3, null, storage);
    for (let t = 1; t <= 3; t++) rec.record(t, t, t, t);
    expect(rec.curve().equity.buffer).not.toBe(storage.equity.buffer);
    expect([...rec.curve().equity]).toEqual([1, 2, 3]);
  });
});

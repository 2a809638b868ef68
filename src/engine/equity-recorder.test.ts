import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { EquityRecorder, newEquityColumns } from './equity-recorder.ts';

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
  it('an empty recorder gives empty columns and no span', () => {
    expect(new EquityRecorder().curve().ts.length).toBe(0);
    expect(new EquityRecorder(10).span()).toEqual({ first: Number.NaN, last: Number.NaN });
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
    expect(resizable(c.equity) && resizable(c.exposure)).toBe(true); // times and cash are written when read (CompactCurve)
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

describe('EquityRecorder times and cash (kept compactly, written per point when read)', () => {
  /** Events: several per timestamp, cash changing rarely (and back, and to −0), with its per-point value kept independently. */
  function events(n: number, seed: number) {
    const rng = createRng(seed);
    const out: [ts: number, equity: number, cash: number, exposure: number][] = [];
    const perPoint: number[] = [];
    const times: number[] = [];
    let cash = 1_000;
    let ts = 1_700_000_000_000_000;
    for (let i = 0; i < n; i++) {
      ts += rng.next() < 0.03 ? 3_600_000_000 + Math.floor(rng.next() * 1e6) : 60_000_000; // 1-min bars with gaps
      times.push(ts);
      const writes = 1 + Math.floor(rng.next() * 3);
      for (let w = 0; w < writes; w++) {
        const u = rng.next();
        if (u < 0.02) cash = -0;
        else if (u < 0.03) cash = 0; // 0 after −0 is a change too (bit for bit)
        else if (u < 0.06) cash = perPoint.length > 0 ? perPoint[perPoint.length - 1] : cash; // back to the last point's
        else if (u < 0.12) cash = Math.round(rng.next() * 1e6) / 100;
        out.push([ts, i + w, cash, w]);
      }
      perPoint.push(cash);
    }
    return { out, perPoint, times };
  }
  const cases: [string, () => EquityRecorder][] = [
    ['preallocated', () => new EquityRecorder(5_000)],
    ['preallocated, more points than expected', () => new EquityRecorder(1_000)],
    ['given columns', () => new EquityRecorder(5_000, null, newEquityColumns(6_000))],
    ['given columns, more points than they hold', () => new EquityRecorder(1_000, null, newEquityColumns(1_000))],
    ['growable', () => new EquityRecorder()],
    ['growable past its limit', () => new EquityRecorder(0, null, null, 2_048)],
  ];

  it.each(cases)('gives every point its time and last cash, bit for bit, and the span (%s)', (_name, make) => {
    const { out, perPoint, times } = events(5_000, 11);
    const r = make();
    for (const [ts, e, c, x] of out) r.record(ts, e, c, x);
    const curve = r.curve();
    expect(curve.equity.length).toBe(5_000);
    expect(r.span()).toEqual({ first: times[0], last: times[4_999] });
    expect(Array.from(curve.ts)).toEqual(times);
    expect(Array.from(curve.cash)).toEqual(perPoint); // toEqual tells −0 from 0
    expect(Object.values(JSON.parse(JSON.stringify(curve)).cash as Record<string, number>)).toEqual(perPoint.map((v) => v + 0)); // JSON has no −0
  });

  it('writes its own time and cash columns only when the curve\'s ts and cash are read', () => {
    const { out, perPoint, times } = events(3_000, 12);
    const r = new EquityRecorder(3_000);
    for (const [ts, e, c, x] of out) r.record(ts, e, c, x);
    const curve = r.curve();
    for (const name of ['ts', 'cash']) expect(Object.getOwnPropertyDescriptor(curve, name)?.get).toBeDefined();
    expect(Array.from(curve.cash)).toEqual(perPoint);
    expect(Array.from(curve.ts)).toEqual(times);
    for (const name of ['ts', 'cash']) expect(Object.getOwnPropertyDescriptor(curve, name)?.get).toBeUndefined(); // written once, then kept
  });

  it('writes given columns (already in memory: an earlier trial wrote them) point by point', () => {
    const { out, perPoint, times } = events(3_000, 13);
    const storage = newEquityColumns(3_000);
    const r = new EquityRecorder(3_000, null, storage);
    for (const [ts, e, c, x] of out) r.record(ts, e, c, x);
    expect([Array.from(storage.ts), Array.from(storage.cash)]).toEqual([times, perPoint]);
    const curve = r.curve();
    expect(curve.ts.buffer).toBe(storage.ts.buffer); // views of the given columns
    expect(curve.cash.buffer).toBe(storage.cash.buffer);
  });
});

describe('EquityRecorder in chunks (past its columns, or with a sink it has not used yet)', () => {
  it('joins the chunks into columns once: the metrics\' blocks and the result share them', () => {
    const r = new EquityRecorder(0, null, null, 100); // growable up to 100 points, then chunks
    for (let i = 0; i < 250; i++) r.record(i, 1_000 + i, 1_000, i % 3);
    const [block] = Array.from(r.blocks());
    const curve = r.curve();
    expect(block.equity).toBe(curve.equity);
    expect(r.curve()).toBe(curve);
    r.record(250, 7, 7, 7); // a later point: joined again
    expect(r.curve().equity[250]).toBe(7);
  });
});

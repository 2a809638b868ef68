import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { liveArrayBufferBytes } from '../../test/heap-spaces.ts';
import { signedExposure } from './compact-curve.ts';
import { EquityRecorder } from './equity-recorder.ts';

type Point = [ts: number, equity: number, cash: number, exposure: number];

/**
 * A one-instrument, cash-settled run's points as the portfolio computes them (equity = cash +
 * q·price·m in one addition, exposure = 0 + |q·price·m|), written independently of the
 * recorder: several writes per time (the last one counts), flat stretches, −0 positions.
 */
function oneInstrument(n: number, seed: number): { writes: Point[]; last: Point[] } {
  const rng = createRng(seed);
  const writes: Point[] = [];
  const last: Point[] = [];
  let cash = 100_000;
  let q = 0;
  let price = 100;
  for (let i = 0; i < n; i++) {
    const ts = 1_700_000_000_000_000 + i * 60_000_000;
    const k = 1 + Math.floor(rng.next() * 2);
    for (let w = 0; w < k; w++) {
      price *= 1 + (rng.next() - 0.5) * 0.01;
      if (rng.next() < 0.05) {
        const target = [-3, -1, -0, 0, 1, 2.5][Math.floor(rng.next() * 6)];
        cash -= (target - q) * price;
        q = target;
      }
      const notional = q * price * 1;
      const p: Point = [ts, q === 0 ? cash : cash + notional, cash, q === 0 ? 0 : 0 + Math.abs(notional)];
      writes.push(p);
      if (w === k - 1) last.push(p);
    }
  }
  return { writes, last };
}

const column = (points: Point[], k: number) => points.map((p) => p[k]);

describe('signedExposure', () => {
  it('is the signed notional when equity is cash plus or minus the exposure, bit for bit, else NaN', () => {
    expect(signedExposure(150, 100, 50)).toBe(50);
    expect(signedExposure(50, 100, 50)).toBe(-50);
    expect(signedExposure(100, 100, 0)).toBe(0);
    expect(signedExposure(150, 100, 49)).toBeNaN(); // two instruments, margin: not of the form
    expect(signedExposure(Number.NaN, 100, 50)).toBeNaN();
    expect(signedExposure(100, 100, -0)).toBeNaN(); // |s| would give 0, not −0
    expect(signedExposure(-0, -0, 0)).toBeNaN(); // −0 + 0 is 0, not the −0 equity
    expect(signedExposure(0.1 + 0.2, 0.1, 0.2)).toBe(0.2); // the floating sum: of the form
    expect(signedExposure(0.3, 0.1, 0.2)).toBeNaN(); // 0.1 + 0.2 is 0.30000000000000004: summed otherwise, not of the form
  });

  it('gives back equity and exposure exactly for random one-instrument points', () => {
    const rng = createRng(5);
    for (let k = 0; k < 100_000; k++) {
      const cash = (rng.next() - 0.3) * 10 ** (rng.next() * 12);
      const notional = (rng.next() - 0.5) * 10 ** (rng.next() * 12);
      const equity = cash + notional;
      const s = signedExposure(equity, cash, 0 + Math.abs(notional));
      expect(Object.is(cash + s, equity) && Object.is(Math.abs(s), 0 + Math.abs(notional))).toBe(true);
    }
  });
});

describe('EquityRecorder in columns it allocates (CompactCurve)', () => {
  const makers: [string, () => EquityRecorder][] = [['preallocated', () => new EquityRecorder(60_000)], ['growable', () => new EquityRecorder()]];

  it.each(makers)('gives back a one-instrument curve bit for bit (%s)', (_name, make) => {
    const { writes, last } = oneInstrument(60_000, 1);
    const r = make();
    for (const [ts, e, c, x] of writes) r.record(ts, e, c, x);
    const curve = r.curve();
    expect(Array.from(curve.equity)).toEqual(column(last, 1)); // toEqual tells −0 from 0
    expect(Array.from(curve.exposure)).toEqual(column(last, 3));
    expect(Array.from(curve.cash)).toEqual(column(last, 2));
    expect(Array.from(curve.ts)).toEqual(column(last, 0));
  });

  it.each(makers)('gives every point back when points stop being of the one-instrument form midway (%s)', (_name, make) => {
    const { writes, last } = oneInstrument(60_000, 2);
    const at = writes.findIndex((p) => p[0] === last[30_000][0]);
    // From point 30,000 on a second position adds to the exposure (equity is no longer cash ± exposure).
    const mixed = writes.map((p, k): Point => (k < at ? p : [p[0], p[1] + 7, p[2], p[3] + 7.25]));
    const want = last.map((p, k): Point => (k < 30_000 ? p : [p[0], p[1] + 7, p[2], p[3] + 7.25]));
    const r = make();
    for (const [ts, e, c, x] of mixed) r.record(ts, e, c, x);
    const blocks = Array.from(r.blocks(), (b) => [Array.from(b.equity.subarray(0, b.n)), Array.from(b.exposure.subarray(0, b.n))]);
    expect(blocks.flatMap((b) => b[0])).toEqual(column(want, 1));
    expect(blocks.flatMap((b) => b[1])).toEqual(column(want, 3));
    const curve = r.curve();
    expect(Array.from(curve.equity)).toEqual(column(want, 1));
    expect(Array.from(curve.exposure)).toEqual(column(want, 3));
  });

  it('hands the metrics equity and exposure a stretch at a time, equal to the columns read afterwards', () => {
    const { writes, last } = oneInstrument(40_000, 3); // three 16,384-point stretches
    const r = new EquityRecorder(40_000);
    for (const [ts, e, c, x] of writes) r.record(ts, e, c, x);
    const seen: number[][] = [[], []];
    let stretches = 0;
    for (const b of r.blocks()) {
      stretches++;
      seen[0].push(...b.equity.subarray(0, b.n));
      seen[1].push(...b.exposure.subarray(0, b.n));
    }
    expect(stretches).toBe(3);
    expect(seen).toEqual([column(last, 1), column(last, 3)]);
    const curve = r.curve();
    expect([Array.from(curve.equity), Array.from(curve.exposure)]).toEqual(seen);
  });

  it('records a 1M-point one-instrument curve into one 8 MB column, and writes equity only when it is read', () => {
    const n = 1_000_000;
    const before = liveArrayBufferBytes();
    const r = new EquityRecorder(n);
    for (let i = 0; i < n; i++) r.record(i, 1_000 + (i % 7), 1_000, i % 7);
    expect(r.bytes).toBe(8 * n);
    // The process's ArrayBuffer memory agrees (four 8 MB columns before CompactCurve); a wide margin: other buffers may be freed meanwhile.
    expect(liveArrayBufferBytes() - before).toBeLessThan(16 * n);
    for (const b of r.blocks()) expect(b.n).toBeLessThanOrEqual(16_384);
    expect(r.bytes).toBe(8 * n); // the metrics' stretches are not kept
    const curve = r.curve();
    expect(curve.equity[n - 1]).toBe(1_000 + ((n - 1) % 7));
    expect(r.bytes).toBe(16 * n); // the equity column, written when read
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { defineInstrument, type Instrument } from '../core/instrument.ts';
import { EquityRecorder, type EquityCurve } from './equity-recorder.ts';
import { EquitySampler } from './equity-sampler.ts';
import { Portfolio } from './portfolio.ts';

/** Every value of two curves the same, bit for bit (−0 apart from 0, NaN equal to NaN). */
function expectSameCurve(a: EquityCurve, b: EquityCurve): void {
  expect(a.ts.length).toBe(b.ts.length);
  for (const k of ['ts', 'equity', 'cash', 'exposure'] as const) {
    for (let i = 0; i < a.ts.length; i++) {
      if (!Object.is(a[k][i], b[k][i])) expect.fail(`${k}[${i}]: ${a[k][i]} against ${b[k][i]}`);
    }
  }
}

/**
 * One portfolio's random run (fills both ways, flips, marks, fees; prices from cents to 1e7),
 * its equity taken after every event by `sampler` and, independently, by `Portfolio.revalue` and
 * `EquityRecorder.record` (the general path) into `reference`.
 */
function run(inst: Instrument, seed: number, points: number, cash: number, expected = points): { sampled: EquityCurve; reference: EquityCurve } {
  const p = new Portfolio([inst], cash);
  const sampler = new EquitySampler(p, 0, false, expected);
  const reference = new EquityRecorder(expected);
  const rng = createRng(seed);
  let price = 10 ** (rng.next() * 9 - 2);
  for (let i = 0; i < points; i++) {
    const ts = 1_000 + 60 * i;
    price = Math.max(0.01, price * (1 + (rng.next() - 0.5) * 0.02));
    p.mark(0, price);
    if (rng.next() < 0.15) {
      const size = [1, 2, 0.001, 1e-9, 500][Math.floor(rng.next() * 5)];
      p.applyFill(0, (rng.next() < 0.5 ? -1 : 1) * size, price, rng.next() < 0.3 ? 0.25 : 0, ts, i);
    }
    if (rng.next() < 0.02) p.chargeFee(0.01);
    sampler.record(ts);
    if (rng.next() < 0.05) sampler.record(ts); // the same time again: the point is overwritten
    p.revalue();
    reference.record(ts, p.equityValue, p.cash, p.grossValue);
  }
  return { sampled: sampler.curve.curve(), reference: reference.curve() };
}

describe('EquitySampler', () => {
  it('takes one cash-settled instrument\'s points as cash and signed notional: the curve the revaluation records, bit for bit', () => {
    const inst = defineInstrument({ symbol: 'X', multiplier: 10 });
    for (let seed = 1; seed <= 20; seed++) {
      // Cash from tiny (a notional far below the cash's last digit, flat on 0) to large.
      const { sampled, reference } = run(inst, seed, 3_000, [1e9, 100_000, 0][seed % 3]);
      expectSameCurve(sampled, reference);
    }
  });

  it('records a margined instrument\'s points through the revaluation (its equity is not cash plus notional)', () => {
    const inst = defineInstrument({ symbol: 'F', multiplier: 5, margin: 300 });
    const { sampled, reference } = run(inst, 7, 2_000, 1e6);
    expectSameCurve(sampled, reference);
    expect(new Portfolio([inst], 1).oneCashSettled).toBe(false);
  });

  it('grows the columns of a run of unknown length, as the revaluation does', () => {
    const inst = defineInstrument({ symbol: 'X' });
    const { sampled, reference } = run(inst, 3, 150_000, 50_000, 0); // no points expected: the columns grow from 64k points
    expectSameCurve(sampled, reference);
  });
});

describe('EquityRecorder.recordSigned', () => {
  it('declines what is not of the signed form, recording nothing: NaN, a flat −0 cash, given columns, equity already in its own column', () => {
    const r = new EquityRecorder(10);
    expect(r.recordSigned(1, 100, Number.NaN)).toBe(false);
    expect(r.recordSigned(1, -0, 0)).toBe(false);
    expect(r.length).toBe(0);
    expect(r.recordSigned(1, 100, -25)).toBe(true);
    expect(r.recordSigned(2, 0, 0)).toBe(true);
    r.record(3, 5, 1, 7); // equity ≠ cash ± exposure: equity gets a column of its own
    expect(r.recordSigned(4, 100, 3)).toBe(false);
    r.record(4, 103, 100, 3);
    const c = r.curve();
    expect([...c.equity]).toEqual([75, 0, 5, 103]); // cash + s by hand
    expect([...c.exposure]).toEqual([25, 0, 7, 3]);
    expect([...c.cash]).toEqual([100, 0, 1, 100]);
    const given = new EquityRecorder(4, null, { ts: new Float64Array(4), equity: new Float64Array(4), cash: new Float64Array(4), exposure: new Float64Array(4) });
    expect(given.recordSigned(1, 100, 5)).toBe(false);
  });

  it('declines a point past full columns that cannot grow (the caller\'s record moves them to chunks)', () => {
    const r = new EquityRecorder(2);
    expect(r.recordSigned(1, 10, 1)).toBe(true);
    expect(r.recordSigned(2, 10, 2)).toBe(true);
    expect(r.recordSigned(2, 10, 3)).toBe(true); // the same time: overwritten in place
    expect(r.recordSigned(3, 10, 4)).toBe(false);
    r.record(3, 14, 10, 4);
    expect([...r.curve().equity]).toEqual([11, 13, 14]);
  });
});

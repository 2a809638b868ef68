import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { defineInstrument } from '../core/instrument.ts';
import { Portfolio } from './portfolio.ts';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6 * Math.max(1, Math.abs(b)));

describe('Portfolio', () => {
  for (const margin of [0, 500]) {
    it(`conserves value through random fills and marks (${margin ? 'margin' : 'cash'} settlement)`, () => {
      const inst = defineInstrument({ symbol: 'X', multiplier: 10, margin });
      const rng = createRng(margin + 3);
      for (let trial = 0; trial < 50; trial++) {
        const p = new Portfolio([inst], 1_000_000);
        let flows = 0; // −Σ delta·price·m, computed independently
        let fees = 0;
        let last = 100;
        for (let step = 0; step < 60; step++) {
          last = Math.max(1, last + (rng.next() - 0.5) * 4);
          if (rng.next() < 0.5) {
            p.mark(0, last);
          } else {
            const delta = Math.round((rng.next() - 0.5) * 10) || 1;
            const fee = rng.next();
            p.applyFill(0, delta, last, fee, step, step);
            flows -= delta * last * 10;
            fees += fee;
          }
          const q = p.position(0);
          const pnl = flows + q * last * 10; // total P&L at the last price
          close(p.equity(), 1_000_000 + pnl - fees);
          // The per-event sums (one instrument: no loop) against the same hand formulas.
          p.revalue();
          close(p.equityValue, 1_000_000 + pnl - fees);
          close(p.grossValue, Math.abs(q * last * 10));
          const v = p.view(0);
          close(v.realizedPnl + v.unrealizedPnl, pnl);
          if (margin) close(p.cash, p.equity() - Math.abs(q) * margin);
          else close(p.cash, 1_000_000 + flows - fees);
        }
      }
    });
  }

  it('revalues several instruments, cash-settled and margined, as the per-slot methods sum them', () => {
    const insts = [
      defineInstrument({ symbol: 'A' }),
      defineInstrument({ symbol: 'F', multiplier: 50, margin: 2000 }),
      defineInstrument({ symbol: 'B', multiplier: 10 }),
    ];
    const rng = createRng(11);
    const p = new Portfolio(insts, 1_000_000);
    const last = [100, 4000, 20];
    for (let step = 0; step < 300; step++) {
      const i = Math.floor(rng.next() * insts.length);
      last[i] = Math.max(1, last[i] * (1 + (rng.next() - 0.5) * 0.02));
      if (rng.next() < 0.5) p.mark(i, last[i]);
      else p.applyFill(i, Math.round((rng.next() - 0.5) * 10) || 1, last[i], rng.next(), step, step);
      p.revalue();
      // By hand: a margined position counts its margin, a cash-settled one its notional; gross is every notional's size.
      let held = 0;
      let gross = 0;
      for (let k = 0; k < insts.length; k++) {
        const q = p.position(k);
        const notional = q * last[k] * insts[k].multiplier;
        held += insts[k].margin > 0 ? Math.abs(q) * insts[k].margin : notional;
        gross += Math.abs(notional);
      }
      close(p.equityValue, p.cash + held);
      close(p.grossValue, gross);
      close(p.equityValue, p.equity());
      close(p.grossValue, p.grossExposure());
    }
  });

  it('holds margin out of cash and marks P&L into cash (futures style, by hand)', () => {
    const p = new Portfolio([defineInstrument({ symbol: 'ES', multiplier: 50, margin: 2000 })], 10_000);
    p.applyFill(0, 1, 100, 2, 0, 0); // buy 1 @100, fee 2
    expect(p.cash).toBe(10_000 - 2000 - 2);
    p.mark(0, 102);
    expect(p.cash).toBe(8098); // + 2 points × 50
    expect(p.equity()).toBe(10_098);
    p.applyFill(0, -1, 105, 2, 1, 1); // sell @105: +3 points × 50, margin back, fee 2
    expect(p.cash).toBe(10_246);
    expect(p.equity()).toBe(10_246);
    expect(p.view(0).realizedPnl).toBe(250);
  });

  it('splits a fill into its closing and opening legs with the cash after each (by hand)', () => {
    const feeOf = (q: number) => q; // 1 per unit
    const p = new Portfolio([defineInstrument({ symbol: 'A' }), defineInstrument({ symbol: 'F', margin: 100 })], 1000);
    // Cash-settled, from flat: buy 2 @ 50 costs 100 + fee 2.
    expect(p.fillLegs(0, 2, 50, feeOf)).toEqual({ closed: 0, opened: 2, afterClose: 1000, afterOpen: 898, openAffordable: true });
    p.applyFill(0, 2, 50, 0, 0, 0); // cash 900
    // Selling the long brings 120 in, less fee 2; nothing opens, so it is always affordable.
    expect(p.fillLegs(0, -2, 60, feeOf)).toEqual({ closed: 2, opened: 0, afterClose: 1018, afterOpen: 1018, openAffordable: true });
    // Reversal to −1: close 2 (+120 − 2), then the short sale's proceeds are cash (+60 − 1).
    expect(p.fillLegs(0, -3, 60, feeOf)).toEqual({ closed: 2, opened: 1, afterClose: 1018, afterOpen: 1077, openAffordable: true });
    // A short-sale rule of 20× the short's notional (1,200) cannot be met with 1,077.
    expect(p.fillLegs(0, -3, 60, feeOf, 20).openAffordable).toBe(false);
    // Buying beyond the cash: the opening leg cannot be paid.
    expect(p.fillLegs(0, 20, 50, feeOf)).toMatchObject({ closed: 0, opened: 20, afterOpen: 900 - 1000 - 20, openAffordable: false });
    // The check runs on every fill: the legs are one object of the portfolio's, rewritten by each call.
    const legs = p.fillLegs(0, 1, 50, feeOf);
    expect(p.fillLegs(0, 2, 50, feeOf)).toBe(legs);
    expect(legs).toEqual({ closed: 0, opened: 2, afterClose: 900, afterOpen: 798, openAffordable: true });
  });

  it('futures legs: the whole position is marked to the fill price, closed margin comes back, opened margin goes out (by hand)', () => {
    const p = new Portfolio([defineInstrument({ symbol: 'F', margin: 100 })], 1000);
    p.applyFill(0, 3, 50, 0, 0, 0); // margin 300 held: cash 700, last 50
    // Sell 3 @ 45 without a mark in between: −3·5 marked, +300 margin back.
    expect(p.fillLegs(0, -3, 45, () => 0)).toEqual({ closed: 3, opened: 0, afterClose: 985, afterOpen: 985, openAffordable: true });
    // Reverse to −2 @ 45: then 200 margin for the new short.
    expect(p.fillLegs(0, -5, 45, () => 0)).toMatchObject({ closed: 3, opened: 2, afterClose: 985, afterOpen: 785, openAffordable: true });
    // A losing position is closed even when the loss leaves cash negative; only opening needs cash.
    p.mark(0, -300); // −3·350 marked into cash: 700 − 1050 = −350
    expect(p.cash).toBe(-350);
    expect(p.fillLegs(0, -3, -300, () => 2)).toEqual({ closed: 3, opened: 0, afterClose: -350 + 300 - 2, afterOpen: -52, openAffordable: true });
    expect(p.fillLegs(0, 1, -300, () => 2).openAffordable).toBe(false);
  });
});

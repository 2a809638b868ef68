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
          const v = p.view(0);
          close(v.realizedPnl + v.unrealizedPnl, pnl);
          if (margin) close(p.cash, p.equity() - Math.abs(q) * margin);
          else close(p.cash, 1_000_000 + flows - fees);
        }
      }
    });
  }

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

  it('computes cash needed: notional (or margin) plus fee only for added exposure', () => {
    const p = new Portfolio([defineInstrument({ symbol: 'A' }), defineInstrument({ symbol: 'F', margin: 100 })], 1000);
    expect(p.cashRequired(0, 2, 50, 1)).toBe(101);
    expect(p.cashRequired(1, -3, 50, 1)).toBe(301);
    p.applyFill(0, 2, 50, 0, 0, 0);
    expect(p.cashRequired(0, -2, 60, 1)).toBe(1);
    // A flip from +2 to −1 shrinks gross exposure: only the fee is needed.
    expect(p.cashRequired(0, -3, 60, 1)).toBe(1);
    expect(p.cashRequired(0, -5, 60, 1)).toBe(61);
  });
});

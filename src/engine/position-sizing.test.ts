import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';
import { createRng } from '../core/rng.ts';
import { cappedKelly, fixedFractionQty, realizedVolatility, volatilityTargetQty, wholeLots } from './position-sizing.ts';

const shares = { lotSize: 1, multiplier: 1 };

describe('position sizing helpers', () => {
  it('fixed fraction: notional fraction × equity, rounded down to whole lots', () => {
    expect(fixedFractionQty(100_000, 0.1, 33, shares)).toBe(303); // 10,000 / 33 = 303.03
    expect(fixedFractionQty(100_000, 0.1, 33, { lotSize: 100, multiplier: 1 })).toBe(300);
    expect(fixedFractionQty(100_000, 0.5, 4_000, { lotSize: 0.001, multiplier: 1 })).toBeCloseTo(12.5, 12);
    expect(fixedFractionQty(100_000, 0.1, 50, { lotSize: 1, multiplier: 50 })).toBe(4); // 10,000 / (50 × 50)
    expect(fixedFractionQty(1_000, 0.1, 500, shares)).toBe(0); // one share costs more than 100
    expect(fixedFractionQty(1_000, 0.1, Number.NaN, shares)).toBe(0);
    expect(wholeLots(-250, 100)).toBe(-200);
    expect(wholeLots(0.3, 0.1)).toBeCloseTo(0.3, 12); // 0.3 / 0.1 = 2.9999999999999996 is still 3 lots
  });

  it('volatility target: notional = equity × min(max leverage, target / realized)', () => {
    expect(volatilityTargetQty(100_000, 0.15, 0.30, 50, shares)).toBe(1000); // half the equity
    expect(volatilityTargetQty(100_000, 0.15, 0.05, 50, shares)).toBe(2000); // 3× capped at 1×
    expect(volatilityTargetQty(100_000, 0.15, 0.05, 50, shares, 2)).toBe(4000);
    expect(volatilityTargetQty(100_000, 0.15, Number.NaN, 50, shares)).toBe(0);
  });

  it('capped Kelly: W − (1 − W)/R, scaled, never negative, at most the cap', () => {
    expect(cappedKelly(0.6, 1, 1)).toBeCloseTo(0.2, 15); // 0.6 − 0.4
    expect(cappedKelly(0.5, 2, 1)).toBeCloseTo(0.25, 15); // 0.5 − 0.5/2
    expect(cappedKelly(0.5, 2, 1, 0.5)).toBeCloseTo(0.125, 15);
    expect(cappedKelly(0.9, 3, 0.25)).toBe(0.25);
    expect(cappedKelly(0.3, 1, 1)).toBe(0);
    expect(cappedKelly(Number.NaN, 1, 1)).toBe(0);
  });

  it('realized volatility equals numpy (std of log returns, ddof 1, × √periods)', () => {
    const rng = createRng(7);
    const series = Array.from({ length: 5 }, (_, k) => {
      let p = 100;
      return Array.from({ length: 10 + 20 * k }, () => (p *= Math.exp((rng.next() - 0.5) * 0.04)));
    });
    const py = JSON.parse(execFileSync(PYTHON, ['-c', 'import sys,json,numpy as np; s=json.load(sys.stdin); print(json.dumps([float(np.std(np.diff(np.log(c)),ddof=1)*np.sqrt(252)) for c in s]))'], { input: JSON.stringify(series) }).toString()) as number[];
    series.forEach((c, k) => expect(realizedVolatility(c, 252)).toBeCloseTo(py[k], 13));
    expect(realizedVolatility([100, 101], 252)).toBeNaN();
  });
});

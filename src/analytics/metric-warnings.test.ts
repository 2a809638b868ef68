import { describe, expect, it } from 'vitest';
import { MICROS_PER_DAY } from '../core/time.ts';
import { metricWarnings } from './metric-warnings.ts';

const plain = { cagr: 0.12, sharpe: 1.1, profitFactor: 1.6, totalReturn: 0.3 };

describe('warnings for misleading figures', () => {
  it('none for an ordinary multi-year run, nor for a short run whose CAGR says what its return says', () => {
    expect(metricWarnings(plain, 0, 3 * 365 * MICROS_PER_DAY)).toEqual([]);
    expect(metricWarnings({ cagr: 0, sharpe: Number.NaN, profitFactor: Number.NaN, totalReturn: 0 }, 0, MICROS_PER_DAY / 24)).toEqual([]);
  });

  it('a CAGR from one hour, an absurd Sharpe and profit factor (the README grid-mm example: 3.79e52 %, 1690, 4.7e17)', () => {
    const w = metricWarnings({ cagr: 3.79e50, sharpe: 1690, profitFactor: 4.7e17, totalReturn: 0.0021 }, 0, MICROS_PER_DAY / 24);
    expect(w.map(([k]) => k)).toEqual(['warning: CAGR', 'warning: Sharpe', 'warning: profit factor']);
    expect(w[0][1]).toMatch(/annualizes 1\.0 hours: not meaningful under 90 days — read the total return \(0\.21%\)/);
    expect(w[1][1]).toMatch(/^1690\.0 is implausible/);
    expect(w[2][1]).toMatch(/^4\.70e\+17: \(almost\) no losing trades/);
  });

  it('one month: CAGR −100 % is flagged, an infinite profit factor (no losses at all) is left to the reader', () => {
    const w = metricWarnings({ cagr: -1, sharpe: -3, profitFactor: Infinity, totalReturn: -0.6 }, 0, 31 * MICROS_PER_DAY);
    expect(w).toHaveLength(1);
    expect(w[0][1]).toMatch(/-100\.00% annualizes 31\.0 days/);
  });
});

import { describe, expect, it } from 'vitest';
import type { PerformanceSummary } from '../performance-summary.ts';
import { shortSpanView } from './short-span.ts';

const base = { periodsPerYear: 100, sharpe: 2, sortino: 3, volatility: 0.5, trackingError: 0.2, informationRatio: 1, alpha: 0.21, cagr: 5, calmar: 9, turnover: 40, totalReturn: 0.1 } as unknown as PerformanceSummary;

describe('short spans are not annualized in reports', () => {
  it('per-bar figures by hand: ÷ √100 = ÷ 10; alpha (1 + 0.21)^(1/100) − 1; CAGR, Calmar and turnover left out', () => {
    const v = shortSpanView(base, 30)!;
    expect([v.summary.sharpe, v.summary.sortino, v.summary.volatility, v.summary.trackingError, v.summary.informationRatio]).toEqual([0.2, 0.3, 0.05, 0.02, 0.1]);
    expect(v.summary.alpha).toBeCloseTo(1.21 ** 0.01 - 1, 15);
    expect([v.summary.cagr, v.summary.calmar, v.summary.turnover].every(Number.isNaN)).toBe(true);
    expect(v.summary.totalReturn).toBe(0.1);
    expect(v.labels.sharpe).toBe('Sharpe (per bar)');
  });

  it('90 days or more: annualized as usual', () => {
    expect(shortSpanView(base, 90)).toBeNull();
    expect(shortSpanView(base, Number.NaN)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { sharpeWithLeadingZero } from '../bench/vectorbt-ranked.ts';
import { coreMetrics } from '../src/analytics/core-metrics.ts';

/** vectorbt's Sharpe ratio written out: the mean of the returns over their sample deviation (ddof 1), times √P. */
function sharpeOf(returns: readonly number[], periodsPerYear: number): number {
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const ss = returns.reduce((s, r) => s + (r - mean) ** 2, 0);
  return (mean / Math.sqrt(ss / (returns.length - 1))) * Math.sqrt(periodsPerYear);
}

describe('sharpeWithLeadingZero (the bench check of our Sharpe ratios against vectorbt\'s)', () => {
  it('turns our Sharpe of an equity curve into the Sharpe of its returns with a 0 before them', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5;
    const n = 5_000;
    const ts = Float64Array.from({ length: n }, (_, i) => i * 60e6);
    const equity = new Float64Array(n);
    equity[0] = 100_000;
    for (let i = 1; i < n; i++) equity[i] = equity[i - 1] * (1 + 0.002 * next() + 0.0001);
    const m = coreMetrics({ ts, equity, grossExposure: new Float64Array(n), tradeNetPnls: [] });
    const returns = Array.from({ length: n - 1 }, (_, i) => equity[i + 1] / equity[i] - 1);
    // Our figure itself is the k returns' Sharpe; vectorbt's has the first bar's 0 return in front.
    expect(m.sharpe).toBeCloseTo(sharpeOf(returns, m.periodsPerYear), 9);
    const theirs = sharpeOf([0, ...returns], m.periodsPerYear);
    expect(Math.abs(sharpeWithLeadingZero(m.sharpe, m.volatility, m.periodsPerYear, n - 1) - theirs)).toBeLessThan(1e-11 * Math.abs(theirs));
    // The two conventions differ by far more than the check's tolerance, so the conversion is needed.
    expect(Math.abs(m.sharpe - theirs)).toBeGreaterThan(1e-5 * Math.abs(theirs));
  });
});

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { alphaBeta } from './alpha-beta.ts';
import { relativeStats } from './relative-stats.ts';
import { worstDrawdowns } from './worst-drawdowns.ts';
import { yearlyReturns } from './yearly-returns.ts';
import { averageLoss } from './average-loss.ts';
import { averageWin } from './average-win.ts';
import { backtestOverfitting } from './backtest-overfitting.ts';
import { calmarRatio } from './calmar-ratio.ts';
import { historicalCVaR, parametricCVaR } from './conditional-value-at-risk.ts';
import { deflatedSharpeRatio, expectedMaxSharpe } from './deflated-sharpe-ratio.ts';
import { maxDrawdownDuration } from './drawdown-duration.ts';
import { expectancy } from './expectancy.ts';
import { kellyFraction } from './kelly-fraction.ts';
import { excessKurtosis } from './kurtosis.ts';
import { largestLoss } from './largest-loss.ts';
import { largestWin } from './largest-win.ts';
import { logReturns } from './log-returns.ts';
import { normalCdf, normalQuantile } from './normal-distribution.ts';
import { maxConsecutiveLosses } from './max-consecutive-losses.ts';
import { omegaRatio } from './omega-ratio.ts';
import { probabilisticSharpeRatio } from './probabilistic-sharpe-ratio.ts';
import { simpleReturns } from './simple-returns.ts';
import { skewness } from './skewness.ts';
import { stability } from './stability.ts';
import { systemQualityNumber } from './system-quality-number.ts';
import { tailRatio } from './tail-ratio.ts';
import { performanceSummary } from './performance-summary.ts';
import { annualTurnover } from './turnover.ts';
import { underwater } from './underwater.ts';
import { historicalVaR, parametricVaR } from './value-at-risk.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/analytics_oracle.py');
const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const PPY = 252;
const CUTOFF = 0.05;
const BLOCKS = 8;

interface Fixture {
  equity: Float64Array; ts: Float64Array; benchmark: Float64Array; pnls: number[]; trials: Float64Array[]; notional: number;
  srVariance: number; py: Record<string, number>;
}
let fx: Fixture;

/** Real inputs: ma-cross runs on ORCL daily (1995–2014) over a parameter grid; ORCL itself as benchmark. */
beforeAll(async () => {
  const grid = [[5, 20], [10, 30], [10, 50], [20, 60], [20, 100], [30, 90], [50, 150], [50, 200], [5, 50], [15, 45]];
  const runs = await Promise.all(grid.map(([fast, slow]) => runBacktest(
    { strategy: 'ma-cross', params: { fast, slow, size: 100 }, cash: 10_000, checkCash: false, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] },
    { strategy: maCross },
  )));
  const main = runs[1];
  const equity = Float64Array.from(main.equity.equity);
  const ts = Float64Array.from(main.equity.ts);
  const closes = (await import('node:fs')).readFileSync(ORCL, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
  const benchmark = simpleReturns(closes);
  const trials = runs.map((r) => simpleReturns(r.equity.equity));
  const pnls = main.trades.map((t) => t.netPnl);
  const notional = main.fills.reduce((s, f) => s + f.price * f.qty, 0);
  const srs = trials.map((t) => { const m = t.reduce((a, b) => a + b, 0) / t.length; const sd = Math.sqrt(t.reduce((a, b) => a + (b - m) ** 2, 0) / (t.length - 1)); return m / sd; });
  const srMean = srs.reduce((a, b) => a + b, 0) / srs.length;
  const srVariance = srs.reduce((a, b) => a + (b - srMean) ** 2, 0) / (srs.length - 1);
  const input = { equity: [...equity], ts: [...ts], benchmark: [...benchmark], pnls, trials: trials.map((t) => [...t]), blocks: BLOCKS, ppy: PPY, notional, cutoff: CUTOFF, srTrials: grid.length, srVariance };
  const py = JSON.parse(execFileSync(PYTHON, [ORACLE], { input: JSON.stringify(input), maxBuffer: 64 << 20 }).toString());
  fx = { equity, ts, benchmark, pnls, trials, notional, srVariance, py };
}, 120_000);

describe('metrics against the numpy/pandas/scipy oracle on real backtests (ORCL 1995–2014)', () => {
  const close = (ours: number, key: string, digits = 9) => expect(ours, key).toBeCloseTo(fx.py[key], digits);
  it('inputs are non-trivial', () => {
    expect(fx.equity.length).toBe(5036);
    expect(fx.pnls.length).toBeGreaterThan(50);
    expect(fx.pnls.some((p) => p < 0) && fx.pnls.some((p) => p > 0)).toBe(true);
  });
  it('returns, drawdown family', () => {
    const r = simpleReturns(fx.equity);
    close(logReturns(fx.equity).reduce((a, b) => a + b, 0), 'logReturnsSum', 10);
    close(Math.min(...underwater(fx.equity)), 'underwaterMin', 12);
    close(calmarRatio(fx.equity, PPY), 'calmar');
    close(omegaRatio(r), 'omega');
    expect(maxDrawdownDuration(fx.equity).periods).toBe(fx.py.ddDuration);
  });
  it('tail risk: VaR, CVaR, skew, kurtosis, tail ratio', () => {
    const r = simpleReturns(fx.equity);
    close(historicalVaR(r, CUTOFF), 'varHist', 12);
    close(parametricVaR(r, CUTOFF), 'varParam', 12);
    close(historicalCVaR(r, CUTOFF), 'cvarHist', 12);
    close(parametricCVaR(r, CUTOFF), 'cvarParam', 12);
    close(skewness(r), 'skew');
    close(excessKurtosis(r), 'kurtosis', 8);
    close(tailRatio(r), 'tailRatio');
  });
  it('the summary reads VaR, CVaR and the tail ratio from one sorted copy of the returns, to the same values', () => {
    const s = performanceSummary({ ts: fx.ts, equity: fx.equity, grossExposure: new Float64Array(fx.equity.length), tradeNetPnls: fx.pnls, tradedNotional: fx.notional });
    close(s.varHistorical, 'varHist', 12);
    close(s.cvarHistorical, 'cvarHist', 12);
    close(s.tailRatio, 'tailRatio');
    // ORCL's returns are not in order: a summary that read them unsorted would be far off.
    const r = simpleReturns(fx.equity);
    expect(r.some((v, i) => i > 0 && v < r[i - 1])).toBe(true);
  });
  it('stability, alpha/beta, turnover', () => {
    const r = simpleReturns(fx.equity);
    close(stability(r), 'stability', 10);
    const ab = alphaBeta(r, fx.benchmark, PPY);
    close(ab.beta, 'beta', 10);
    close(ab.alpha, 'alpha', 9);
    close(annualTurnover(fx.notional, fx.equity, PPY), 'turnover', 9);
  });
  it('relative to the benchmark: tracking error, information ratio, up and down capture', () => {
    const rel = relativeStats(simpleReturns(fx.equity), fx.benchmark, PPY);
    close(rel.trackingError, 'trackingError', 12);
    close(rel.informationRatio, 'informationRatio', 11);
    close(rel.upCapture, 'upCapture', 10);
    close(rel.downCapture, 'downCapture', 10);
    expect(Math.abs(rel.upCapture - 1)).toBeGreaterThan(1e-3); // a real strategy, not the benchmark itself
  });
  it('the five worst drawdowns (pyfolio\'s iterative table) and yearly returns (pandas year-end closes)', () => {
    const worst = worstDrawdowns(fx.equity, 5).map((d) => [d.peakIndex, d.troughIndex, d.recoveryIndex, d.depth, d.length]);
    const want = fx.py.worstDrawdowns as unknown as number[][];
    expect(worst.map((w) => w.filter((_, i) => i !== 3))).toEqual(want.map((w) => w.filter((_, i) => i !== 3)));
    worst.forEach((w, i) => expect(w[3]).toBeCloseTo(want[i][3], 12));
    const years = yearlyReturns(fx.ts, fx.equity);
    const wantYears = fx.py.yearly as unknown as number[][];
    expect(years.map((y) => y.year)).toEqual(wantYears.map((y) => y[0]));
    years.forEach((y, i) => expect(y.value).toBeCloseTo(wantYears[i][1], 12));
  });
  it('trade statistics', () => {
    close(expectancy(fx.pnls), 'expectancy', 9);
    close(averageWin(fx.pnls), 'avgWin', 9);
    close(averageLoss(fx.pnls), 'avgLoss', 9);
    close(largestWin(fx.pnls), 'largestWin', 9);
    close(largestLoss(fx.pnls), 'largestLoss', 9);
    expect(maxConsecutiveLosses(fx.pnls)).toBe(fx.py.maxConsecutiveLosses);
    close(systemQualityNumber(fx.pnls), 'sqn', 9);
    close(kellyFraction(fx.pnls), 'kelly', 12);
  });
  it('probabilistic and deflated Sharpe ratio', () => {
    const r = simpleReturns(fx.equity);
    close(probabilisticSharpeRatio(r, 0), 'psr0', 9);
    close(probabilisticSharpeRatio(r, 0.05), 'psr005', 9);
    close(expectedMaxSharpe(10, fx.srVariance), 'expectedMaxSharpe', 10);
    close(deflatedSharpeRatio(r, 10, fx.srVariance), 'dsr', 9);
  });
  it('probability of backtest overfitting (CSCV)', () => {
    const rep = backtestOverfitting(fx.trials, BLOCKS);
    expect(rep.splits).toBe(fx.py.pboSplits);
    expect(rep.splits).toBe(70); // C(8, 4)
    close(rep.pbo, 'pbo', 12);
    close(rep.logits.reduce((a, b) => a + b, 0) / rep.logits.length, 'pboLogitMean', 9);
  });
});

describe('published and hand-checked values', () => {
  it('normal quantiles and CDF match published table values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874040841, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
  });
  it('expected max Sharpe of 100 null trials is close to the tabulated E[max of 100 N(0,1)] = 2.5076', () => {
    // The Bailey–López de Prado formula is an approximation of the expected maximum of N
    // standard normals (tabulated 2.50759 for N = 100); it is within 1% there.
    expect(expectedMaxSharpe(100, 1) / 2.50759).toBeGreaterThan(0.99);
    expect(expectedMaxSharpe(100, 1) / 2.50759).toBeLessThan(1.01);
    expect(expectedMaxSharpe(100, 0.25)).toBeCloseTo(expectedMaxSharpe(100, 1) / 2, 12);
  });
  it('PSR is 0.5 when the observed Sharpe equals the benchmark', () => {
    const r = [0.01, -0.005, 0.02, 0.0, -0.01, 0.015, 0.005];
    const m = r.reduce((a, b) => a + b) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1));
    expect(probabilisticSharpeRatio(r, m / sd)).toBeCloseTo(0.5, 12);
  });
  it('drawdown duration by hand', () => {
    expect(maxDrawdownDuration([1, 2, 1.5, 1.8, 2.1, 2, 3])).toEqual({ periods: 3, peakIndex: 1, recoveryIndex: 4 });
    expect(maxDrawdownDuration([1, 2, 1.5, 1.6])).toEqual({ periods: 2, peakIndex: 1, recoveryIndex: -1 });
    expect(maxDrawdownDuration([1, 2, 3]).periods).toBe(0);
  });
  it('CSCV: one dominant trial is never overfit, pure noise is overfit about half the time', () => {
    const T = 400;
    let seed = 1;
    const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
    const noise = Array.from({ length: 12 }, () => Float64Array.from({ length: T }, () => rnd() * 0.02));
    const strong = noise.map((t, j) => (j === 0 ? t.map((x) => x + 0.01) : t));
    expect(backtestOverfitting(strong, 8).pbo).toBe(0);
    const p = backtestOverfitting(noise, 8).pbo;
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.8);
  });
});

describe('edge cases: no trades, constant equity, a single period, NaN input', () => {
  const flat = [100, 100, 100, 100, 100];
  it('no trades', () => {
    for (const f of [expectancy, averageWin, averageLoss, largestWin, largestLoss, systemQualityNumber, kellyFraction]) expect(f([]), f.name).toBeNaN();
    expect(maxConsecutiveLosses([])).toBe(0);
  });
  it('constant equity', () => {
    const r = simpleReturns(flat);
    expect(calmarRatio(flat, 252)).toBeNaN();
    expect(omegaRatio(r)).toBeNaN();
    expect(skewness(r)).toBeNaN();
    expect(excessKurtosis(r)).toBeNaN();
    expect(stability(r)).toBeNaN();
    expect(probabilisticSharpeRatio(r)).toBeNaN();
    expect(tailRatio(r)).toBeNaN();
    expect(maxDrawdownDuration(flat).periods).toBe(0);
    expect([...underwater(flat)]).toEqual([0, 0, 0, 0, 0]);
    expect(alphaBeta(r, r, 252).beta).toBeNaN();
  });
  it('a single period', () => {
    const r = simpleReturns([100, 101]);
    expect(r.length).toBe(1);
    expect(stability(r)).toBeNaN();
    expect(skewness(r)).toBeNaN();
    expect(probabilisticSharpeRatio(r)).toBeNaN();
    expect(historicalVaR(r, 0.05)).toBeCloseTo(0.01, 12);
    expect(parametricVaR(r, 0.05)).toBeNaN(); // std undefined
  });
  it('NaN input propagates as NaN, never as a number', () => {
    const r = [0.01, Number.NaN, -0.02, 0.03];
    for (const v of [historicalVaR(r), historicalCVaR(r), parametricVaR(r), omegaRatio(r), tailRatio(r), skewness(r), excessKurtosis(r), stability(r)]) {
      expect(v).toBeNaN();
    }
  });
});

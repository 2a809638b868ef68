import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { createRng, normal } from '../core/rng.ts';
import { adfPValue, adfTest } from './adf-test.ts';
import { autocorrelation } from './autocorrelation.ts';
import { chiSquareSurvival } from './chi-square.ts';
import { hurstExponent } from './hurst-exponent.ts';
import { ljungBox } from './ljung-box.ts';
import { partialAutocorrelation } from './partial-autocorrelation.ts';
import { simpleReturns } from './simple-returns.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/timeseries_oracle.py');
const NLAGS = 10;
const LB = 10;
const ADF_LAGS = 4;

/** AR(1) x_t = φ·x_{t−1} + ε_t, and a random walk (φ = 1), seeded. */
function ar1(phi: number, n: number, seed: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < n; i++) out.push((x = phi * x + normal(rng)));
  return out;
}

const closes = readFileSync(sharedFile('backtrader/orcl-1995-2014.txt'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
const series: Record<string, number[]> = {
  orclReturns: Array.from(simpleReturns(closes)), // real daily returns, 5,035 points
  orclPrices: closes, // a price level: a unit root is expected
  randomWalk: ar1(1, 2000, 7),
  ar1Strong: ar1(0.5, 2000, 8), // ADF far below the critical values
  ar1Weak: ar1(0.98, 600, 9), // in between: the small-p branch
};
type Oracle = Record<string, { acf: number[]; pacf: number[]; lbStat: number; lbP: number; adfStat: number; adfP: number; adfNobs: number; adfCrit: Record<string, number>; hurst: number }>;
let py: Oracle;

beforeAll(() => {
  py = JSON.parse(execFileSync(PYTHON, [ORACLE], { input: JSON.stringify({ series, nlags: NLAGS, lb: LB, adfLags: ADF_LAGS }), maxBuffer: 64 << 20 }).toString()) as Oracle;
}, 60_000);

describe('time-series diagnostics against statsmodels 0.13 (and numpy for Hurst)', () => {
  for (const name of Object.keys(series)) {
    it(name, () => {
      const x = series[name];
      const want = py[name];
      Array.from(autocorrelation(x, NLAGS)).forEach((v, k) => expect(v, `acf ${k}`).toBeCloseTo(want.acf[k], 12));
      Array.from(partialAutocorrelation(x, NLAGS)).forEach((v, k) => expect(v, `pacf ${k}`).toBeCloseTo(want.pacf[k], 11));
      const lb = ljungBox(x, LB);
      expect(lb.statistic / want.lbStat).toBeCloseTo(1, 11);
      expect(lb.pValue).toBeCloseTo(want.lbP, 12);
      const adf = adfTest(x, ADF_LAGS);
      expect(adf.nobs).toBe(want.adfNobs);
      expect(adf.statistic / want.adfStat).toBeCloseTo(1, 9);
      expect(adf.pValue).toBeCloseTo(want.adfP, 9);
      for (const level of ['1%', '5%', '10%'] as const) expect(adf.critical[level]).toBeCloseTo(want.adfCrit[level], 12);
      expect(hurstExponent(x)).toBeCloseTo(want.hurst, 12);
    });
  }

  it('the diagnostics say what they should about the series', () => {
    expect(adfTest(series.ar1Strong, ADF_LAGS).pValue).toBeLessThan(1e-20); // strongly stationary
    const walk = adfTest(series.randomWalk, ADF_LAGS);
    expect(walk.pValue).toBeGreaterThan(0.05); // a unit root is not rejected
    // Both of MacKinnon's fits are exercised above: τ above τ* = −1.61 (large-p) and below it (small-p).
    expect(walk.statistic).toBeGreaterThan(-1.61);
    expect(adfTest(series.ar1Weak, ADF_LAGS).statistic).toBeLessThan(-1.61);
    expect(ljungBox(series.ar1Strong, LB).pValue).toBeLessThan(1e-10); // autocorrelated
    expect(hurstExponent(series.randomWalk)).toBeGreaterThan(0.9); // levels of a random walk: persistent
  });

  it('chi-square survival against published table values (df 1: 3.841 → 0.05; df 10: 23.209 → 0.01)', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(23.209251158954356, 10)).toBeCloseTo(0.01, 12);
    expect(chiSquareSurvival(0, 4)).toBe(1);
  });

  it('ADF p-values outside MacKinnon\'s fitted range are 0 and 1 (statsmodels\' mackinnonp clamps the same way)', () => {
    expect(adfPValue(-19)).toBe(0);
    expect(adfPValue(2.75)).toBe(1);
    expect(adfPValue(-1.61)).toBeCloseTo(0.477, 2); // near the median of the Dickey–Fuller distribution with a constant
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { createRng, normal } from '../core/rng.ts';
import { regimeModel } from './regime-model.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/regime_oracle.py');
const pctLogReturns = (file: string) => {
  const c = readFileSync(sharedFile(file), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
  return c.slice(1).map((v, i) => 100 * Math.log(v / c[i]));
};

/** Returns drawn from a known chain: calm σ 0.5, turbulent σ 2, staying with 0.98 and 0.9. */
function simulated(n: number, seed: number): { r: number[]; state: number[] } {
  const rng = createRng(seed);
  const r: number[] = [];
  const state: number[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) s = rng.next() < (s === 0 ? 0.98 : 0.9) ? s : 1 - s;
    state.push(s);
    r.push((s === 0 ? 0.05 : -0.1) + (s === 0 ? 0.5 : 2) * normal(rng));
  }
  return { r, state };
}

const sim = simulated(3000, 11);
const series: Record<string, number[]> = {
  orcl: pctLogReturns('backtrader/orcl-1995-2014.txt'),
  nvda: pctLogReturns('backtrader/nvda-1999-2014.txt'),
  simulated: sim.r,
};
type Fit = { p00: number; p10: number; mean: number[]; variance: number[]; llf: number; turbulent: number[] };
let py: Record<string, Fit>;

beforeAll(() => {
  py = JSON.parse(execFileSync(PYTHON, [ORACLE], { input: JSON.stringify({ series }), maxBuffer: 64 << 20 }).toString()) as Record<string, Fit>;
}, 120_000);

describe('two-state volatility regimes against statsmodels MarkovRegression', () => {
  for (const name of Object.keys(series)) {
    it(name, () => {
      const m = regimeModel(series[name]);
      const want = py[name];
      // The maximum: at least as likely as statsmodels' fit (its BFGS stops near it, the
      // flat directions — the turbulent state's mean and variance — a few 1e-4 away).
      expect(m.logLikelihood).toBeGreaterThan(want.llf - 1e-6);
      expect(m.logLikelihood - want.llf).toBeLessThan(1e-3);
      expect(m.p00 / want.p00).toBeCloseTo(1, 4);
      expect(m.p10 / want.p10).toBeCloseTo(1, 3);
      expect(m.variance[0] / want.variance[0]).toBeCloseTo(1, 4);
      expect(m.variance[1] / want.variance[1]).toBeCloseTo(1, 3);
      // Means are the flattest directions: within a hundredth of a standard error.
      m.mean.forEach((v, k) => expect(Math.abs(v - want.mean[k])).toBeLessThan(0.01 * Math.sqrt(want.variance[k] / 100)));
      let worst = 0;
      m.turbulent.forEach((p, t) => { worst = Math.max(worst, Math.abs(p - want.turbulent[t])); });
      expect(worst).toBeLessThan(1e-3);
      expect(m.expectedDuration[0]).toBeCloseTo(1 / (1 - m.p00), 12);
    });
  }

  it('recovers the states of a simulated chain', () => {
    const m = regimeModel(sim.r);
    const agree = sim.state.filter((s, t) => s === m.state[t]).length / sim.state.length;
    expect(agree).toBeGreaterThan(0.95);
    expect(Math.sqrt(m.variance[0])).toBeCloseTo(0.5, 1);
    expect(Math.sqrt(m.variance[1])).toBeCloseTo(2, 0);
    expect(m.p00).toBeGreaterThan(0.96);
  });

  it('refuses too few or non-finite returns', () => {
    expect(() => regimeModel([1, 2, 3])).toThrow(/at least 10/);
    expect(() => regimeModel([...series.orcl.slice(0, 50), Number.NaN])).toThrow(/NaN/);
  });
});

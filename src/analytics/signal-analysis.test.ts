import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { createRng, normal } from '../core/rng.ts';
import { crossSectionalIC, informationCoefficient, quantileReturns, ranks, signalTurnover } from './signal-analysis.ts';

const ORACLE = resolve(import.meta.dirname, '../../test/oracles/signal_oracle.py');
const closes = readFileSync(sharedFile('backtrader/orcl-1995-2014.txt'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
const HORIZONS = [1, 5, 20];

/** 20-day momentum (NaN before it exists), and a signal that peeks at the next 5 days through noise. */
const momentum = closes.map((p, t) => (t >= 20 ? p / closes[t - 20] - 1 : Number.NaN));
const rng = createRng(3);
const peek = closes.map((p, t) => (t + 5 < closes.length ? closes[t + 5] / p - 1 + 0.03 * normal(rng) : Number.NaN));

function oracle(signal: number[]) {
  return JSON.parse(execFileSync(PYTHON, [ORACLE], { input: JSON.stringify({ signal: signal.map((x) => (Number.isFinite(x) ? x : null)), prices: closes, horizons: HORIZONS, q: 5 }) }).toString()) as {
    ic: number[]; quantiles: Array<[number, number, number]>; changeRate: number; rankAutocorr: number;
  };
}

describe('signal analysis against scipy.stats.spearmanr and pandas qcut (ORCL 1995–2014)', () => {
  for (const [name, signal] of [['20-day momentum', momentum], ['a noisy peek at the next 5 days', peek]] as const) {
    it(name, () => {
      const py = oracle(signal);
      informationCoefficient(signal, closes, HORIZONS).forEach((x, i) => expect(x.ic, `IC h=${x.horizon}`).toBeCloseTo(py.ic[i], 12));
      const qr = quantileReturns(signal, closes, HORIZONS[0], 5);
      expect(qr.map((x) => [x.quantile, x.count])).toEqual(py.quantiles.map(([k, , c]) => [k, c]));
      qr.forEach((x, i) => expect(x.meanReturn).toBeCloseTo(py.quantiles[i][1], 14));
      const t = signalTurnover(signal, 5);
      expect(t.quantileChangeRate).toBeCloseTo(py.changeRate, 14);
      expect(t.rankAutocorrelation).toBeCloseTo(py.rankAutocorr, 12);
    });
  }

  it('the peeking signal does rank its horizon; ties share their mean rank', () => {
    const ic = informationCoefficient(peek, closes, [5])[0].ic;
    expect(ic).toBeGreaterThan(0.3);
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });
});

describe('cross-sectional IC (Alphalens) against pandas + scipy: 20-day momentum across ORCL, NVDA, YHOO and a fourth, noisy copy', () => {
  it('daily ICs, their mean and standard deviation', () => {
    const byDate = (name: string) => new Map(readFileSync(sharedFile(`backtrader/${name}`), 'utf8').trim().split('\n').slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[4])] as const));
    const books = ['orcl-1995-2014.txt', 'nvda-1999-2014.txt', 'yhoo-1996-2014.txt'].map(byDate);
    const dates = [...books[0].keys()].filter((d) => books.every((b) => b.has(d)));
    const noise = createRng(9);
    const prices = dates.map((d) => [...books.map((b) => b.get(d)!), books[0].get(d)! * (1 + 0.02 * normal(noise))]);
    const signal = prices.map((row, t) => row.map((p, a) => (t >= 20 ? p / prices[t - 20][a] - 1 : Number.NaN)));
    const ours = crossSectionalIC(signal, prices, 5);
    const py = JSON.parse(execFileSync(PYTHON, [resolve(import.meta.dirname, '../../test/oracles/cross_ic_oracle.py')], {
      input: JSON.stringify({ signal: signal.map((r) => r.map((x) => (Number.isFinite(x) ? x : null))), prices, h: 5 }), maxBuffer: 64 << 20,
    }).toString()) as { daily: (number | null)[]; mean: number; std: number; n: number };
    expect(ours.dates).toBe(py.n);
    Array.from(ours.daily).forEach((v, t) => (py.daily[t] === null ? expect(v).toBeNaN() : expect(v).toBeCloseTo(py.daily[t]!, 12)));
    expect(ours.mean).toBeCloseTo(py.mean, 12);
    expect(ours.std).toBeCloseTo(py.std, 12);
    expect(ours.tStat).toBeCloseTo(py.mean / (py.std / Math.sqrt(py.n)), 10);
  });
});

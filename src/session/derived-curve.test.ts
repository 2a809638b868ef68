import { describe, expect, it } from 'vitest';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { synthBars } from '../data/synth-bars.ts';
import { newEquityColumns, type EquityCurve } from '../engine/equity-recorder.ts';
import { defineStrategy } from '../engine/strategy.ts';
import { z } from 'zod';
import { shareBars, sliceShared } from '../optimize/shared-bars.ts';
import { runBacktest } from './run-backtest.ts';
import type { SessionConfigInput } from '../config/session-config.ts';

const N = 20_000;
const shared = shareBars([synthBars({ count: N, seed: 5 })]);
const marks = { ts: shared.ts, close: shared.close };

/** Every column of two curves equal point for point, bit for bit (Object.is: -0 and NaN too). */
function sameBits(a: EquityCurve, b: EquityCurve): void {
  for (const k of ['ts', 'equity', 'cash', 'exposure'] as const) {
    expect(a[k].length).toBe(b[k].length);
    for (let j = 0; j < a[k].length; j++) if (!Object.is(a[k][j], b[k][j])) expect(`${k}[${j}] = ${a[k][j]}`).toBe(`${k}[${j}] = ${b[k][j]}`);
  }
}

/** The run's curve recorded per bar (the per-event path) and derived from the bars after the run, each into its own given columns. */
async function bothWays(config: SessionConfigInput, strategy = maCross) {
  const feeds = [sliceShared(shared, 0, N, 4_096)];
  const recorded = await runBacktest(config, { strategy, feeds, equityStorage: newEquityColumns(N) });
  const derived = await runBacktest(config, { strategy, feeds, equityStorage: newEquityColumns(N), equityMarks: marks });
  return { recorded, derived };
}

/** Reverses a unit position at the close of every 7th bar (fill timing `close`: the fill's price, not the close, marks that point). */
const closeFlip = defineStrategy({
  name: 'close-flip', description: 'reverses every 7th bar', params: z.strictObject({}),
  create: () => {
    let n = 0;
    return { onBar(_bar, ctx) {
      if (++n % 7 !== 0 || ctx.hasOpenOrders()) return;
      const delta = ((n / 7) & 1 ? 1 : -1) - ctx.position();
      if (delta !== 0) (delta > 0 ? ctx.buy(delta) : ctx.sell(-delta));
    } };
  },
});

describe('an equity curve derived from the bars after the run (optimizer trials)', () => {
  const instrument = { symbol: 'SYN' };
  const cases: Array<[string, SessionConfigInput, typeof maCross?]> = [
    ['cash-settled, a 0.1 % fee', { strategy: 'ma-cross', params: { fast: 3, slow: 17 }, commission: { type: 'rate', rate: 0.001 }, data: [{ file: 'memory', instrument }] }],
    ['margined, with a multiplier and a per-contract fee', { strategy: 'ma-cross', params: { fast: 5, slow: 40, size: 3 }, commission: { type: 'per-contract', perContract: 1.25 },
      data: [{ file: 'memory', instrument: { symbol: 'FUT', multiplier: 50, margin: 2_500 } }] }],
    ['filled at the close with slippage (the fill price marks the point)', { strategy: 'close-flip', fillTiming: 'close', slippage: { type: 'bps', bps: 7 }, data: [{ file: 'memory', instrument }] }, closeFlip as never],
    ['margined, filled at the close with slippage', { strategy: 'close-flip', fillTiming: 'close', slippage: { type: 'ticks', ticks: 2 },
      data: [{ file: 'memory', instrument: { symbol: 'FUT', multiplier: 20, margin: 1_000 } }] }, closeFlip as never],
    ['starting with an adopted position', { strategy: 'ma-cross', params: { fast: 8, slow: 21 }, data: [{ file: 'memory', instrument, position: { qty: -2, avgPrice: 100 } }] }],
    ['never trading (one state for every point)', { strategy: 'ma-cross', params: { fast: 10, slow: 19_999 }, data: [{ file: 'memory', instrument }] }],
  ];
  for (const [name, config, strategy] of cases) {
    it(`is the recorded curve bit for bit: ${name}`, async () => {
      const { recorded, derived } = await bothWays(config, strategy);
      expect(recorded.equity.ts.length).toBe(N);
      sameBits(derived.equity, recorded.equity);
      expect(derived.metrics).toEqual(recorded.metrics);
      expect(derived.finalValue).toBe(recorded.finalValue);
    });
  }

  it('is exercised: the cases trade, and margined stretches move cash between fills', async () => {
    const { recorded } = await bothWays(cases[1][1]);
    expect(recorded.fills.length).toBeGreaterThan(100);
    const c = recorded.equity.cash;
    let moved = 0;
    for (let j = 1; j < c.length; j++) if (c[j] !== c[j - 1]) moved++;
    expect(moved).toBeGreaterThan(recorded.fills.length * 5); // marks, not only fills, move a margined account's cash
  });

  it('is used for one instrument\'s bars, not with a risk engine (which watches every event), and refuses bars that are not the run\'s', async () => {
    const config: SessionConfigInput = { strategy: 'ma-cross', params: { fast: 3, slow: 17 }, data: [{ file: 'memory', instrument }] };
    const deriving: boolean[] = [];
    const onEngine = (e: { equity: { deriving: boolean } }) => { deriving.push(e.equity.deriving); };
    const feeds = [sliceShared(shared, 0, N)];
    await runBacktest(config, { strategy: maCross, feeds, equityStorage: newEquityColumns(N), equityMarks: marks, onEngine });
    const withRisk = await runBacktest({ ...config, risk: { maxDrawdown: 0.99 } }, { strategy: maCross, feeds, equityStorage: newEquityColumns(N), equityMarks: marks, onEngine });
    expect(deriving).toEqual([true, false]);
    sameBits(withRisk.equity, (await runBacktest(config, { strategy: maCross, feeds })).equity);
    const wrong = { ts: shared.ts.subarray(1, N), close: shared.close.subarray(1, N) };
    await expect(runBacktest(config, { strategy: maCross, feeds: [sliceShared(shared, 0, N - 1)], equityStorage: newEquityColumns(N), equityMarks: wrong })).rejects.toThrow(/do not match/);
  });
});

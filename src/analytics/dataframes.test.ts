import { describe, expect, it } from 'vitest';
import { runBacktest } from '../session/run-backtest.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { strategy as smaCross } from '../../strategies/sma-cross/index.ts';
import { equityFrame, equityTable, fillsFrame, returnsFrame, tradesFrame, tradesTable, trialsFrame, trialsTable } from './dataframes.ts';

describe('DataFrame and Arrow helpers', () => {
  it('equity, trades and fills frames carry the run result column for column', async () => {
    const r = await runBacktest({ strategy: 'sma-cross', data: [{ file: sharedFile('backtrader/2006-day-001.txt'), instrument: { symbol: 'X' } }] }, { strategy: smaCross });
    const eq = await equityFrame(r);
    expect(eq.shape).toEqual([255, 5]);
    expect(eq.columns).toEqual(['time', 'equity', 'cash', 'exposure', 'return']);
    expect(eq['time'].values[0]).toBe('2006-01-02T00:00:00.000Z');
    expect(eq['equity'].values.at(-1)).toBeCloseTo(r.finalValue, 9);
    const rf = await returnsFrame(r);
    expect(rf.shape).toEqual([254, 3]);
    // log returns sum to the log of total growth (an identity, independent of the frame code)
    expect(rf['logReturn'].sum()).toBeCloseTo(Math.log(r.finalValue / 10_000), 10);
    const tr = await tradesFrame(r);
    expect(tr.shape[0]).toBe(11);
    // danfo's own sum agrees with a plain reduction over the result's trades
    expect(tr['netPnl'].sum()).toBeCloseTo(r.trades.reduce((s, t) => s + t.netPnl, 0), 9);
    const fl = await fillsFrame(r);
    expect(fl.shape).toEqual([23, 5]);
    expect(fl['side'].values.slice(0, 2)).toEqual(['buy', 'sell']);
    const t = await tradesTable(r);
    expect(t.numRows).toBe(11);
    expect(t.getChild('netPnl')!.toArray()).toEqual(Float64Array.from(r.trades, (x) => x.netPnl));
    expect((await equityTable(r)).getChild('return')!.get(0)).toBeNaN();
  });

  it('trials frame: one row per trial, parameters then metrics', async () => {
    const trials = [
      { params: { fast: 5, slow: 20 }, metrics: { sharpe: 1.2, totalReturn: 0.1 } },
      { params: { fast: 10, slow: 30 }, metrics: { sharpe: Number.NaN, totalReturn: -0.05 } },
    ];
    const df = await trialsFrame(trials);
    expect(df.columns).toEqual(['fast', 'slow', 'sharpe', 'totalReturn']);
    expect(df['fast'].values).toEqual([5, 10]);
    expect((await trialsTable(trials)).getChild('sharpe')!.get(1)).toBeNaN();
  });
});

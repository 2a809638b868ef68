import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/session/run-backtest.ts';
import { dailyBars, type Ohlcv } from '../../test/bars.ts';
import { strategy } from './index.ts';

/** Flat bars (open = high = low = close), so every fill price can be read off the table. */
const flat = (closes: number[]): Ohlcv[] => closes.map((c) => [c, c, c, c, 1000]);

describe('trailing-breakout on hand-made bars (tick 1, lookback 3, stop 2, target 5, trail 2)', () => {
  it('enters on the breakout, trails the stop with replaces, exits at the stop or the target', async () => {
    //            0    1    2    3    4    5    6    7    8    9    10
    const closes = [100, 101, 100, 102, 103, 104, 101, 101, 106, 111, 116];
    const r = await runBacktest(
      { strategy: 'trailing-breakout', params: { lookback: 3, size: 1, stopTicks: 2, targetTicks: 5, trailTicks: 2 }, data: [{ file: 'memory', instrument: { symbol: 'T', tickSize: 1 } }], cash: 10_000 },
      { strategy, feeds: [[dailyBars(flat(closes))]] },
    );
    // Bar 3 (102) breaks the channel 100/101/100: the market entry fills at bar 4's open (103) with a
    // stop at 100 and a target at 107; the stop trails the high at 2 ticks: 101 (bar 4), 102 (bar 5);
    // bar 6 gaps down to 101 through the stop: out at 101. Bar 8 (106) breaks 104/101/101: in at 111
    // (bar 9) with the stop at 104 and the target at 111; the stop trails to 109; bar 10 opens at 116,
    // above the target: the target fills at that open.
    expect(r.fills.map((f) => [f.side, f.price])).toEqual([['buy', 103], ['sell', 101], ['buy', 111], ['sell', 116]]);
    const stops = r.orders.filter((o) => o.tag === 'breakout:stop-loss');
    expect(stops.map((o) => [o.stopPrice, o.status])).toEqual([[102, 'filled'], [109, 'cancelled']]);
    const targets = r.orders.filter((o) => o.tag === 'breakout:take-profit');
    expect(targets.map((o) => [o.price, o.status])).toEqual([[107, 'cancelled'], [111, 'filled']]);
    expect(r.trades.map((t) => t.netPnl)).toEqual([-2, 5]);
  });
});

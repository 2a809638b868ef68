import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../core/instrument.ts';
import { Portfolio } from './portfolio.ts';

describe('TradeLog via Portfolio fills', () => {
  it('builds round trips with average prices, fees and flips (hand-computed)', () => {
    const p = new Portfolio([defineInstrument({ symbol: 'X' })], 1e6);
    p.applyFill(0, 2, 10, 0.2, 1, 0);
    p.applyFill(0, 1, 13, 0.1, 2, 1); // long 3 @ avg 11
    p.applyFill(0, -3, 12, 0.3, 3, 2); // close: +3
    p.applyFill(0, -2, 12, 0.2, 4, 3); // short 2 @12
    p.applyFill(0, 4, 10, 0.4, 5, 5); // cover 2 (+4) and go long 2 @10
    p.applyFill(0, -2, 11, 0.2, 6, 8); // close long: +2
    const t = p.trades.closed.toArray();
    expect(t).toHaveLength(3);
    expect(t[0]).toMatchObject({ side: 'long', qty: 3, entryTs: 1, exitTs: 3, entryPrice: 11, exitPrice: 12, pnl: 3, bars: 2 });
    expect(t[0].fees).toBeCloseTo(0.6, 12);
    expect(t[0].netPnl).toBeCloseTo(2.4, 12);
    expect(t[0].returnPct).toBeCloseTo(2.4 / 33, 12);
    expect(t[1]).toMatchObject({ side: 'short', qty: 2, entryPrice: 12, exitPrice: 10, pnl: 4, exitTs: 5 });
    expect(t[1].fees).toBeCloseTo(0.2 + 0.2, 12); // half the flip fill's fee closes the short
    expect(t[2]).toMatchObject({ side: 'long', qty: 2, entryPrice: 10, exitPrice: 11, pnl: 2, entryTs: 5, exitTs: 6 });
    expect(t[2].fees).toBeCloseTo(0.2 + 0.2, 12);
    expect(p.trades.openTrips(() => 1)).toHaveLength(0);
  });
});

describe('TradeLog open trips', () => {
  it('lists open trips in the order their instruments first traded, with entry prices from their fills (hand-computed)', () => {
    const p = new Portfolio([defineInstrument({ symbol: 'A' }), defineInstrument({ symbol: 'B', multiplier: 10 })], 1e6);
    p.applyFill(1, -2, 50, 0, 1, 0); // B short 2 @ 50
    p.applyFill(0, 1, 10, 0, 2, 1); // A long 1 @ 10
    p.applyFill(0, 3, 14, 0, 3, 2); // A long 4 @ avg 13
    const open = p.trades.openTrips((id) => (id.startsWith('B') ? 10 : 1));
    expect(open.map((t) => [t.instrumentId.slice(0, 1), t.side, t.qty, t.entryPrice, t.entryTs])).toEqual([['B', 'short', 2, 50, 1], ['A', 'long', 4, 13, 2]]);
    p.applyFill(1, 2, 40, 0, 4, 3); // B covered: +200 (2 × 10 × 10)
    expect(p.trades.openTrips(() => 1).map((t) => t.instrumentId.slice(0, 1))).toEqual(['A']);
    expect(p.trades.closed.toArray()).toMatchObject([{ side: 'short', qty: 2, entryPrice: 50, exitPrice: 40, pnl: 200 }]);
  });
});

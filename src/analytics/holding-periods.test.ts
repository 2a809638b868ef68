import { describe, expect, it } from 'vitest';
import { holdingPeriods } from './holding-periods.ts';

const DAY = 86_400e6;
const trade = (bars: number, days: number, netPnl: number) => ({ bars, entryTs: 0, exitTs: days * DAY, netPnl });

describe('holding periods', () => {
  it('by hand: bars 2, 4, 9, 5 (winners 2 and 9, losers 4 and 5)', () => {
    const [all, win, lose] = holdingPeriods([trade(2, 2, 10), trade(4, 5, -3), trade(9, 12, 7), trade(5, 6, -1)]);
    expect(all).toEqual({ group: 'all', trades: 4, medianBars: 4.5, meanBars: 5, maxBars: 9, medianDays: 5.5 });
    expect(win).toEqual({ group: 'winners', trades: 2, medianBars: 5.5, meanBars: 5.5, maxBars: 9, medianDays: 7 });
    expect(lose).toEqual({ group: 'losers', trades: 2, medianBars: 4.5, meanBars: 4.5, maxBars: 5, medianDays: 5.5 });
  });

  it('an empty group is NaN, not 0', () => {
    const [, win] = holdingPeriods([trade(3, 3, -1)]);
    expect(win.trades).toBe(0);
    expect([win.medianBars, win.meanBars, win.maxBars, win.medianDays].every(Number.isNaN)).toBe(true);
  });
});

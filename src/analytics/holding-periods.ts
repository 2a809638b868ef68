import { percentile } from './percentile.ts';

/** How long closed trades were held: for all of them, the winners and the losers. */
export interface HoldingPeriods {
  readonly group: 'all' | 'winners' | 'losers';
  readonly trades: number;
  /** Bars (equity points) from entry to exit. */
  readonly medianBars: number;
  readonly meanBars: number;
  readonly maxBars: number;
  /** Calendar days from entry to exit. */
  readonly medianDays: number;
}

interface Held { readonly bars: number; readonly entryTs: number; readonly exitTs: number; readonly netPnl: number }

/** Holding-period figures per group (winners: net P&L > 0, losers: < 0); NaN for an empty group. */
export function holdingPeriods(trades: readonly Held[]): HoldingPeriods[] {
  const groups: Array<[HoldingPeriods['group'], readonly Held[]]> = [
    ['all', trades], ['winners', trades.filter((t) => t.netPnl > 0)], ['losers', trades.filter((t) => t.netPnl < 0)],
  ];
  return groups.map(([group, ts]) => {
    const bars = ts.map((t) => t.bars);
    return {
      group, trades: ts.length, medianBars: percentile(bars, 50), meanBars: bars.length ? bars.reduce((s, b) => s + b, 0) / bars.length : Number.NaN,
      maxBars: bars.length ? Math.max(...bars) : Number.NaN, medianDays: percentile(ts.map((t) => (t.exitTs - t.entryTs) / 86_400e6), 50),
    };
  });
}

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { benchBars } from './bars-dataset.ts';

const require = createRequire(import.meta.url);

interface GmBar { time: Date; open: number; high: number; low: number; close: number; volume: number; fast: number; slow: number }

/**
 * Runs grademark (the best-known JS backtester) on the first `count` bench bars with the
 * same 10/30 SMA long/short rule. The SMAs are precomputed and handed in as columns, so
 * only grademark's backtest loop is timed (in its favour).
 */
export async function grademarkBarsPerSecond(count: number): Promise<{ bars: number; barsPerSec: number; trades: number }> {
  const { backtest } = require('grademark') as { backtest: (s: unknown, df: unknown) => unknown[] };
  const { DataFrame } = require('data-forge') as { DataFrame: new (rows: GmBar[]) => { setIndex(c: string): unknown } };
  const b = benchBars(count);
  const rows: GmBar[] = [];
  let f = 0;
  let s = 0;
  for (let i = 0; i < count; i++) {
    f += b.close[i] - (i >= 10 ? b.close[i - 10] : 0);
    s += b.close[i] - (i >= 30 ? b.close[i - 30] : 0);
    if (i >= 29) {
      rows.push({ time: new Date(b.ts[i] / 1000), open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i], fast: f / 10, slow: s / 30 });
    }
  }
  const df = new DataFrame(rows).setIndex('time');
  const strategy = {
    entryRule: (enter: (o: { direction: string }) => void, args: { bar: GmBar }) => {
      enter({ direction: args.bar.fast > args.bar.slow ? 'long' : 'short' });
    },
    exitRule: (exit: () => void, args: { bar: GmBar; position: { direction: string } }) => {
      const want = args.bar.fast > args.bar.slow ? 'long' : 'short';
      if (args.position.direction !== want) exit();
    },
  };
  const t0 = performance.now();
  const trades = backtest(strategy, df);
  const sec = (performance.now() - t0) / 1000;
  return { bars: rows.length, barsPerSec: rows.length / sec, trades: trades.length };
}

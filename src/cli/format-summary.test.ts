import { describe, expect, it } from 'vitest';
import { sliceBatches, synthBars } from '../data/synth-bars.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { formatSummary } from './format-summary.ts';

describe('formatSummary', () => {
  it('prints a run\'s summary without writing out its equity curve\'s times (the span comes with the result)', async () => {
    const bars = synthBars({ count: 5_000, seed: 8 });
    const r = await runBacktest({ strategy: 'ma-cross', data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] }, { feeds: [sliceBatches(bars, 1_024)] });
    const text = formatSummary(r, null);
    expect(text).toMatch(/^final value/m);
    expect(Object.getOwnPropertyDescriptor(r.equity, 'ts')?.get).toBeDefined(); // still to be written when read
    expect(r.span).toEqual({ first: bars.ts[0], last: bars.ts[4_999] }); // one point per bar
    expect([r.equity.ts[0], r.equity.ts[4_999]]).toEqual([r.span!.first, r.span!.last]);
  });
});

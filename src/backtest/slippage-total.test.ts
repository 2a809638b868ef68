import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { parseDateTime } from '../core/time.ts';
import { runBacktest } from '../session/run-backtest.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');

describe('slippage paid over the run', () => {
  it('is every fill\'s price against the bar open it was priced from, times its quantity (from the file)', async () => {
    const rows = readFileSync(ORCL, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const open = new Map(rows.map((r) => [parseDateTime(r[0]), Number(r[1])]));
    const run = (slippage: object) => runBacktest({ strategy: 'sma-cross', params: { period: 20, size: 100 }, cash: 1e6, slippage: slippage as never, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] });
    const [none, bps] = await Promise.all([run({ type: 'none' }), run({ type: 'bps', bps: 25 })]);
    expect(none.slippage).toBe(0);
    const expected = bps.fills.reduce((s, f) => s + (f.side === 'buy' ? 1 : -1) * (f.price - open.get(f.ts)!) * f.qty, 0);
    expect(bps.fills.length).toBeGreaterThan(100);
    expect(bps.slippage).toBeGreaterThan(0);
    expect(bps.slippage).toBeCloseTo(expected, 8);
    // Roughly 25 bps of the traded notional (less where the bar's range clipped it).
    const notional = bps.fills.reduce((s, f) => s + f.price * f.qty, 0);
    expect(bps.slippage / notional).toBeLessThanOrEqual(0.0025 / (1 - 0.0025) + 1e-12);
    expect(bps.slippage / notional).toBeGreaterThan(0.0015);
    // What the slippage cost shows in the result: the same fills at the opens would have ended that much richer.
    expect(none.finalValue - bps.finalValue).toBeCloseTo(bps.slippage, 6);
  });
});

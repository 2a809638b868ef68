import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { parseDateTime } from '../core/time.ts';
import { runBacktest } from '../session/run-backtest.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');

describe('maximum adverse and favorable excursion of round trips', () => {
  it('equal the bar lows and highs between entry and exit (and the fill prices), recomputed from the file', async () => {
    const rows = readFileSync(ORCL, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const ts = rows.map((r) => parseDateTime(r[0]));
    const high = rows.map((r) => Number(r[2]));
    const low = rows.map((r) => Number(r[3]));
    for (const strategy of ['sma-cross', 'ma-cross'] as const) {
      const r = await runBacktest({ strategy, params: strategy === 'ma-cross' ? { size: 100 } : { period: 20, size: 100 }, cash: 1e6, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] });
      expect(r.trades.length).toBeGreaterThan(50);
      for (const t of r.trades) {
        // Fills are at bar opens: the entry bar's range counts (after the fill), the exit bar's does not (the trip ended at its open).
        const e = ts.indexOf(t.entryTs);
        const x = ts.indexOf(t.exitTs);
        let hi = Math.max(t.entryPrice, t.exitPrice);
        let lo = Math.min(t.entryPrice, t.exitPrice);
        for (let k = e; k < x; k++) { hi = Math.max(hi, high[k]); lo = Math.min(lo, low[k]); }
        const up = (hi - t.entryPrice) / t.entryPrice;
        const down = (t.entryPrice - lo) / t.entryPrice;
        expect(t.mae).toBeCloseTo(t.side === 'long' ? down : up, 12);
        expect(t.mfe).toBeCloseTo(t.side === 'long' ? up : down, 12);
        // A winner went at least its gain in its favour; a loser at least its loss against it.
        const move = t.side === 'long' ? (t.exitPrice - t.entryPrice) / t.entryPrice : (t.entryPrice - t.exitPrice) / t.entryPrice;
        if (move > 0) expect(t.mfe).toBeGreaterThanOrEqual(move - 1e-12);
        else expect(t.mae).toBeGreaterThanOrEqual(-move - 1e-12);
      }
    }
  });
});

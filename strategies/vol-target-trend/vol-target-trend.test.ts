import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { openBars } from '../../src/data/read-bars.ts';
import { realizedVolatility } from '../../src/engine/position-sizing.ts';
import { runBacktest } from '../../src/session/run-backtest.ts';
import { strategy } from './index.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');

describe('vol-target-trend (long above the SMA, sized to a volatility target)', () => {
  it('every entry is floor(equity × min(1, target / realized vol) / close) of the signal bar', async () => {
    const p = { period: 50, targetVol: 0.15, volWindow: 20 };
    const r = await runBacktest({ cash: 100_000, strategy: 'vol-target-trend', params: p, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] }, { strategy });
    const ts: number[] = [];
    const close: number[] = [];
    const s = await openBars(ORCL);
    for await (const b of s.batches) for (let i = 0; i < b.length; i++) { ts.push(b.ts[i]); close.push(b.close[i]); }
    const equityAt = new Map(Array.from(r.equity.ts, (t, i) => [t, r.equity.equity[i]]));
    const entries = r.orders.filter((o) => o.tag === 'trend');
    expect(entries.length).toBeGreaterThan(20);
    for (const o of entries) {
      const k = ts.indexOf(o.createdTs);
      const sma = close.slice(k - 49, k + 1).reduce((a, b) => a + b, 0) / 50;
      expect(close[k]).toBeGreaterThan(sma);
      const vol = realizedVolatility(close.slice(k - 20, k + 1), 252);
      expect(o.qty).toBe(Math.floor((equityAt.get(o.createdTs)! * Math.min(1, 0.15 / vol)) / close[k]));
    }
    expect(r.positions[0].qty === 0 || r.fills.at(-1)!.side === 'buy').toBe(true);
  });
});

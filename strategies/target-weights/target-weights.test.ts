import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { openBars } from '../../src/data/read-bars.ts';
import { runBacktest } from '../../src/session/run-backtest.ts';
import { strategy } from './index.ts';

const FILES = { ORCL: sharedFile('backtrader/orcl-1995-2014.txt'), NVDA: sharedFile('backtrader/nvda-1999-2014.txt') };

async function closes(file: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const s = await openBars(file);
  for await (const b of s.batches) for (let i = 0; i < b.length; i++) out.set(b.ts[i], b.close[i]);
  return out;
}

describe('target-weights (a basket rebalanced to fixed weights)', () => {
  it('each month sends the orders that take every holding to weight × equity at the close, sells first', async () => {
    const weights = { ORCL: 0.6, NVDA: 0.3 };
    const r = await runBacktest({
      cash: 100_000, from: '2003-01-01', to: '2006-12-31', strategy: 'target-weights', params: { weights },
      data: Object.entries(FILES).map(([symbol, file]) => ({ file, instrument: { symbol } })),
    }, { strategy });
    const close = { ORCL: await closes(FILES.ORCL), NVDA: await closes(FILES.NVDA) };
    const equityAt = new Map(Array.from(r.equity.ts, (t, i) => [t, r.equity.equity[i]]));
    const held = { ORCL: 0, NVDA: 0 };
    let fill = 0;
    const times = [...new Set(r.orders.map((o) => o.createdTs))];
    expect(times.length).toBeGreaterThanOrEqual(45); // every month of four years, but a month with nothing to trade
    for (const t of times) {
      while (fill < r.fills.length && r.fills[fill].ts <= t) {
        const f = r.fills[fill++];
        held[f.instrumentId.split('.')[0] as 'ORCL'] += f.side === 'buy' ? f.qty : -f.qty;
      }
      const orders = r.orders.filter((o) => o.createdTs === t);
      const expected = (['ORCL', 'NVDA'] as const).map((s) => ({ s, delta: Math.floor((weights[s] * equityAt.get(t)!) / close[s].get(t)!) - held[s] })).filter((x) => x.delta !== 0);
      expect(orders.map((o) => [o.instrumentId, o.side, o.qty])).toEqual(
        expected.sort((a, b) => Math.sign(a.delta) - Math.sign(b.delta)).map((x) => [`${x.s}.SIM`, x.delta > 0 ? 'buy' : 'sell', Math.abs(x.delta)]),
      );
      expect(new Date(t / 1000).getUTCDate()).toBeLessThanOrEqual(7); // the first trading days of a month
    }
  });

  it('with a band, a month whose weights stayed close sends nothing', async () => {
    const run = (band: number) => runBacktest({
      cash: 100_000, from: '2003-01-01', to: '2006-12-31', strategy: 'target-weights', params: { weights: { ORCL: 0.5 }, band },
      data: [{ file: FILES.ORCL, instrument: { symbol: 'ORCL' } }],
    }, { strategy });
    const [always, banded] = await Promise.all([run(0), run(0.1)]);
    expect(banded.orders.length).toBeGreaterThan(0);
    expect(banded.orders.length).toBeLessThan(always.orders.length / 3);
  });
});

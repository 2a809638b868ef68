import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from 'lockstep';
import { allocQuotes, allocTrades } from '../../src/data/tick-batch.ts';
import { writeTickParquet } from '../../src/data/tick-parquet.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy } from './index.ts';

const tmp = tempDir();

describe('trade-momentum', () => {
  it('goes long when the fast SMA of trade prices crosses above the slow one, then short (hand-computed)', async () => {
    const dir = join(tmp.dir, 'm');
    mkdirSync(dir);
    // Trade prices 10, 10, 10, 11, 12, 9, 8; fast 1 / slow 3:
    // i=2: sma3 = 10 = last → equal, no order; i=3: 11 > 10.33 → buy 1; i=5: 9 < 10.67 → sell 2
    const px = [10, 10, 10, 11, 12, 9, 8];
    const t = allocTrades(px.length);
    const q = allocQuotes(px.length);
    px.forEach((p, i) => {
      const ts = 1e15 + i * 1000;
      t.ts[i] = ts + 1; t.tsLocal[i] = ts + 1; t.price[i] = p; t.qty[i] = 1; t.aggressor[i] = 1;
      q.ts[i] = ts; q.tsLocal[i] = ts; q.bidPrice[i] = p - 0.5; q.askPrice[i] = p + 0.5; q.bidSize[i] = 10; q.askSize[i] = 10;
    });
    t.length = px.length;
    q.length = px.length;
    await writeTickParquet(join(dir, 'trades-00000.parquet'), { kind: 'trades', batch: t });
    await writeTickParquet(join(dir, 'quotes-00000.parquet'), { kind: 'quotes', batch: q });
    const r = await runBacktest({ strategy: 'trade-momentum', params: { fast: 1, slow: 3, size: 1 }, data: [{ file: dir, instrument: { symbol: 'X' } }] }, { strategy });
    // With zero latency the buy decided on trade 3 reaches the exchange at once, where the
    // book is still quote 3 (ask 11.5); the sell of 2 decided on trade 5 meets quote 5 (bid 8.5).
    expect(r.fills.map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 1, 11.5], ['sell', 2, 8.5]]);
    expect(r.positions[0].qty).toBe(-1);
  });
});

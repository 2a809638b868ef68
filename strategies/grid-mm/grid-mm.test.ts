import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from 'lockstep';
import { allocDeltas, DeltaFlag } from '../../src/data/tick-batch.ts';
import { writeTickParquet } from '../../src/data/tick-parquet.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy } from './index.ts';

const tmp = tempDir();

/** Deltas: a one-level book (bid/ask given per step), one atomic update per step, 1 ms apart. */
async function book(dir: string, steps: Array<[number, number]>): Promise<void> {
  const d = allocDeltas(steps.length * 2);
  steps.forEach(([bid, ask], k) => {
    for (const [j, side, price] of [[0, 1, bid], [1, -1, ask]] as const) {
      const i = d.length++;
      d.ts[i] = 1e15 + k * 1000; d.tsLocal[i] = d.ts[i]; d.side[i] = side; d.price[i] = price; d.qty[i] = 5;
      d.flags[i] = (j === 0 ? DeltaFlag.clear : DeltaFlag.last);
    }
  });
  await writeTickParquet(join(dir, 'deltas-00000.parquet'), { kind: 'deltas', batch: d });
}

describe('grid-mm', () => {
  it('quotes `levels` post-only prices each side at offset + k·spacing ticks from the mid (hand-computed)', async () => {
    const dir = tmp.file('a');
    (await import('node:fs')).mkdirSync(dir);
    await book(dir, [[99.99, 100.01], [99.99, 100.01]]);
    const r = await runBacktest({ strategy: 'grid-mm', data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }] }, { strategy });
    // mid 100.00, tick 0.01, offset 1, spacing 2 → bids 99.99, 99.97, 99.95; asks 100.01, 100.03, 100.05
    expect(r.orders.filter((o) => o.side === 'buy').map((o) => o.price)).toEqual([99.99, 99.97, 99.95]);
    expect(r.orders.filter((o) => o.side === 'sell').map((o) => o.price)).toEqual([100.01, 100.03, 100.05]);
    expect(r.orders.every((o) => o.postOnly && o.type === 'limit')).toBe(true);
  });

  it('moves the ladder on a 2-tick mid move: keeps the quotes still wanted, cancels the rest', async () => {
    const dir = tmp.file('b');
    (await import('node:fs')).mkdirSync(dir);
    await book(dir, [[99.99, 100.01], [100.0, 100.04], [100.0, 100.04], [100.0, 100.04]]);
    const r = await runBacktest({ strategy: 'grid-mm', data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }] }, { strategy });
    // new mid 100.02 → bids 100.01, 99.99, 99.97 (99.99 and 99.97 kept, 99.95 cancelled, 100.01 new)
    const byPrice = (side: string) => r.orders.filter((o) => o.side === side).map((o) => [o.price, o.status]);
    expect(byPrice('buy')).toEqual([[99.99, 'accepted'], [99.97, 'accepted'], [99.95, 'cancelled'], [100.01, 'accepted']]);
    // asks 100.03, 100.05, 100.07: 100.01 cancelled, 100.07 new
    expect(byPrice('sell')).toEqual([[100.01, 'cancelled'], [100.03, 'accepted'], [100.05, 'accepted'], [100.07, 'accepted']]);
    // Never more than 3 quotes a side: each new quote was sent only after the one it replaces was confirmed cancelled.
    const at = (side: string, price: number) => r.orders.find((o) => o.side === side && o.price === price)!;
    expect(at('buy', 100.01).createdTs).toBeGreaterThanOrEqual(at('buy', 99.95).updatedTs);
    expect(at('sell', 100.07).createdTs).toBeGreaterThanOrEqual(at('sell', 100.01).updatedTs);
  });
});

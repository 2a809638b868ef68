import { describe, expect, it } from 'vitest';
import { allocTrades } from './tick-batch.ts';
import { resampleTrades } from './resample.ts';

function trades(rows: Array<[number, number, number]>) {
  const t = allocTrades(rows.length);
  rows.forEach(([ts, p, q], i) => { t.ts[i] = ts; t.tsLocal[i] = ts; t.price[i] = p; t.qty[i] = q; });
  t.length = rows.length;
  return [t];
}

describe('resampleTrades (hand-checked)', () => {
  const rows: Array<[number, number, number]> = [[0, 10, 1], [30e6, 12, 2], [59e6, 11, 1], [61e6, 9, 3], [200e6, 10, 1]];
  it('1-minute time bars skip empty minutes', async () => {
    const b = await resampleTrades(trades(rows), { every: 60e6 });
    expect(b.length).toBe(3);
    expect([b.ts[0], b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]]).toEqual([0, 10, 12, 10, 11, 4]);
    expect([b.ts[1], b.open[1], b.close[1], b.volume[1]]).toEqual([60e6, 9, 9, 3]);
    expect(b.ts[2]).toBe(180e6);
  });
  it('volume bars close on the trade that reaches the threshold', async () => {
    const b = await resampleTrades(trades(rows), { volume: 3 });
    expect(Array.from(b.volume.subarray(0, b.length))).toEqual([3, 4, 1]);
    expect(Array.from(b.close.subarray(0, b.length))).toEqual([12, 9, 10]);
  });
  it('dollar bars use price × size', async () => {
    const b = await resampleTrades(trades(rows), { dollar: 30 });
    // 10 + 24 = 34 ≥ 30 → bar 1; 11 + 27 = 38 → bar 2; 10 → bar 3 (open)
    expect(Array.from(b.volume.subarray(0, b.length))).toEqual([3, 4, 1]);
  });
});

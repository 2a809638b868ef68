import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { openBars } from '../data/read-bars.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { concatBarBatches, type BarBatch } from '../data/bar-batch.ts';
import { runBacktest } from '../session/run-backtest.ts';

const DAY = sharedFile('backtrader/2006-day-001.txt');
const tmp = tempDir();

async function load(file: string): Promise<BarBatch> {
  const s = await openBars(file);
  const out: BarBatch[] = [];
  for await (const b of s.batches) out.push(b);
  return concatBarBatches(out);
}

describe('runBacktest scenarios on real data', () => {
  it('CSV and Parquet copies of the same bars give bit-identical fills', async () => {
    const b = await load(DAY);
    const pq = tmp.file('day.parquet');
    await writeParquetFile(pq, { Date: microsColumn(b.ts.subarray(0, b.length)), Open: b.open, High: b.high, Low: b.low, Close: b.close, Volume: b.volume });
    const run = (file: string) => runBacktest({ strategy: 'ma-cross', data: [{ file, instrument: { symbol: 'X' } }] }, { strategy: maCross });
    const [a, c] = await Promise.all([run(DAY), run(pq)]);
    expect(a.fills.length).toBeGreaterThan(5);
    expect(c.fillsDigest).toBe(a.fillsDigest);
    expect(c.finalValue).toBe(a.finalValue);
  });

  it('a CSV of several batches (each refilled once replayed) gives the fills of its Parquet copy', async () => {
    // 150,000 minute bars: three CSV batches of 65,536 rows; the reader refills one batch object.
    const n = 150_000;
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    const ts = Float64Array.from({ length: n }, (_, k) => (t0 + 60 * k) * 1e6);
    const close = Float64Array.from({ length: n }, (_, k) => Math.round(10_000 + 300 * Math.sin(k / 900) + 40 * Math.sin(k / 37)) / 100);
    const open = Float64Array.from(close, (c, k) => (k === 0 ? c : close[k - 1]));
    const high = Float64Array.from(close, (c, k) => Math.max(c, open[k]) + 0.01);
    const low = Float64Array.from(close, (c, k) => Math.min(c, open[k]) - 0.01);
    const volume = new Float64Array(n).fill(100);
    const csv = tmp.file('long.csv', `timestamp,open,high,low,close,volume\n${Array.from({ length: n }, (_, k) => `${t0 + 60 * k},${open[k]},${high[k]},${low[k]},${close[k]},100`).join('\n')}\n`);
    const pq = tmp.file('long.parquet');
    await writeParquetFile(pq, { timestamp: microsColumn(ts), open, high, low, close, volume });
    const run = (file: string) => runBacktest({ strategy: 'ma-cross', params: { fast: 10, slow: 30 }, data: [{ file, instrument: { symbol: 'X' } }] }, { strategy: maCross });
    const [a, c] = [await run(csv), await run(pq)];
    expect(a.events).toBe(n);
    expect(a.fills.length).toBeGreaterThan(500);
    expect(a.fillsDigest).toBe(c.fillsDigest);
    expect(a.finalValue).toBe(c.finalValue);
  });

  it('futures style: per-contract commission, multiplier and margin; value and cash recomputed from the fills', async () => {
    const mult = 10;
    const margin = 500;
    const fee = 2.5;
    const r = await runBacktest({
      strategy: 'ma-cross', params: { size: 3 }, cash: 100_000,
      commission: { type: 'per-contract', perContract: fee },
      data: [{ file: DAY, instrument: { symbol: 'FUT', multiplier: mult, margin } }],
    }, { strategy: maCross });
    const bars = await load(DAY);
    const last = bars.close[bars.length - 1];
    let flow = 0;
    let pos = 0;
    let contracts = 0;
    for (const f of r.fills) {
      const s = f.side === 'buy' ? 1 : -1;
      flow -= s * f.price * f.qty;
      pos += s * f.qty;
      contracts += f.qty;
    }
    const fees = contracts * fee;
    expect(r.fees).toBeCloseTo(fees, 9);
    const pnl = mult * (flow + pos * last);
    expect(r.finalValue).toBeCloseTo(100_000 + pnl - fees, 6);
    // P&L is marked into cash; the open position's margin is held out of it.
    expect(r.cash).toBeCloseTo(100_000 + pnl - fees - margin * Math.abs(pos), 6);
    expect(Math.abs(pos)).toBe(3);
  });

  it('from/to limits the replay window', async () => {
    const r = await runBacktest({ strategy: 'ma-cross', from: '2006-06-01', to: '2006-06-30', data: [{ file: DAY, instrument: { symbol: 'X' } }] }, { strategy: maCross });
    expect(r.events).toBe(22);
    expect(r.feeds[0].outsideWindow).toBe(255 - 22);
  });
});

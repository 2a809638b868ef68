import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { sliceBatches, synthBars } from '../data/synth-bars.ts';
import { SPILL_RECORDS, SPILL_ROWS } from '../engine/result-sink.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { readRun } from './read-run.ts';
import { fillCount, orderCount, tradeCount } from './run-result.ts';
import { readRunForReport } from './read-long-run.ts';
import { reportRunOf } from './report-of-run.ts';
import { prepareRunDir, writeRunResult } from './write-result.ts';

const tmp = tempDir();
const bars = synthBars({ count: 100_000, seed: 7 });
const feeds = [sliceBatches(bars, 65_536)];
// Fast averages: ~1 cross in 10 bars, so fills, orders and trades all outgrow a block.
const config = { strategy: 'ma-cross', params: { fast: 2, slow: 3 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };

describe('a long run spills its series to Parquet as it runs (memory bounded)', async () => {
  const inMemory = await runBacktest(config, { strategy: maCross, feeds });
  const reports = tmp.file('reports');
  const dir = await prepareRunDir(reports, 'spill');
  const spilled = await runBacktest(config, { strategy: maCross, feeds, id: 'spill', resultDir: dir });

  it('gives the same result as the run held in memory: metrics bit for bit, fills digest, counts', () => {
    expect(inMemory.equity.ts.length).toBeGreaterThan(SPILL_ROWS);
    expect(inMemory.fills.length).toBeGreaterThan(SPILL_RECORDS);
    expect(inMemory.orders.length).toBeGreaterThan(2 * SPILL_RECORDS);
    expect(inMemory.spilled).toBeNull();
    expect(spilled.spilled).toEqual({
      dir, counts: { equityPoints: inMemory.equity.ts.length, fills: inMemory.fills.length, orders: inMemory.orders.length, trades: inMemory.trades.length },
      firstTs: inMemory.equity.ts[0], lastTs: inMemory.equity.ts[inMemory.equity.ts.length - 1],
    });
    expect(spilled.metrics).toEqual(inMemory.metrics);
    expect(spilled.fillsDigest).toBe(inMemory.fillsDigest);
    expect(spilled.finalValue).toBe(inMemory.finalValue);
    expect(() => spilled.fills).toThrow(/fills\.parquet/);
    expect(() => spilled.equity).toThrow(/equity\.parquet/);
    // Counting works on either kind of result (the spilled one has no arrays to read).
    expect([fillCount(spilled), orderCount(spilled), tradeCount(spilled)]).toEqual([inMemory.fills.length, inMemory.orders.length, inMemory.trades.length]);
    expect([fillCount(inMemory), orderCount(inMemory), tradeCount(inMemory)]).toEqual([inMemory.fills.length, inMemory.orders.length, inMemory.trades.length]);
  });

  let spilledDir = '';
  it('its saved files hold every point, fill, trade and order of the in-memory run', async () => {
    const final = (spilledDir = await writeRunResult(spilled, reports, dir));
    const back = await readRun(final);
    expect(Array.from(back.equity.equity)).toEqual(Array.from(inMemory.equity.equity));
    expect(Array.from(back.equity.ts)).toEqual(Array.from(inMemory.equity.ts));
    expect(Array.from(back.equity.exposure)).toEqual(Array.from(inMemory.equity.exposure));
    expect(back.fills).toEqual(inMemory.fills.map((f) => ({ ts: f.ts, side: f.side, price: f.price, qty: f.qty, fee: f.fee })));
    expect(back.trades.map((t) => t.netPnl)).toEqual(inMemory.trades.map((t) => t.netPnl));
    const orders = (await readParquetColumns(`${final}/orders.parquet`)).columns;
    const status = new Map((orders.id as string[]).map((id, i) => [id, (orders.status as string[])[i]]));
    expect(status.size).toBe(inMemory.orders.length);
    for (const o of inMemory.orders) expect(status.get(o.id)).toBe(o.status);
  });

  it('saved from memory, it writes the same orders, fills and trades files as the run that spilled them as it went', async () => {
    expect(spilledDir).not.toBe(''); // saved by the test before
    const memoryDir = await writeRunResult(inMemory, tmp.file('from-memory'));
    for (const series of ['orders', 'fills', 'trades']) {
      const a = (await readParquetColumns(`${spilledDir}/${series}.parquet`)).columns;
      const b = (await readParquetColumns(`${memoryDir}/${series}.parquet`)).columns;
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const name of Object.keys(a)) expect(Array.from(b[name] as ArrayLike<unknown>)).toEqual(Array.from(a[name] as ArrayLike<unknown>));
    }
  });

  it('cancelling an order that ended long ago gets the same answer whether or not the run spilled (not open, not unknown)', async () => {
    const answers: Array<{ reason: string | undefined }> = [];
    const late = {
      ...maCross,
      create(p: Parameters<typeof maCross.create>[0]) {
        const inner = maCross.create(p);
        let n = 0;
        return { ...inner, onBar(bar: Parameters<NonNullable<typeof inner.onBar>>[0], ctx: Parameters<NonNullable<typeof inner.onBar>>[1]) {
          inner.onBar!(bar, ctx);
          if (++n === 90_000) {
            const r = ctx.cancel('O-1');
            answers.push({ reason: r.ok ? undefined : r.reason });
          }
        } };
      },
    } as typeof maCross;
    await runBacktest(config, { strategy: late, feeds });
    const dir2 = await prepareRunDir(reports, 'spill-cancel');
    const r = await runBacktest(config, { strategy: late, feeds, id: 'spill-cancel', resultDir: dir2 });
    expect(r.spilled).not.toBeNull();
    expect(answers).toEqual([{ reason: 'order-not-open' }, { reason: 'order-not-open' }]);
  });

  it('a report of a run longer than its point budget reads a resampled curve and keeps the exact headline metrics', async () => {
    const final = `${reports}/spill`;
    const run = await readRunForReport(final, 20_000);
    expect(run.long?.points).toBe(inMemory.equity.ts.length);
    expect(run.long?.interval).toBe(15 * 60e6); // 100k minutes: 5-minute buckets would be 20k > 10k
    // Independent resample: the last point of each 15-minute bucket, by a Map.
    const last = new Map<number, number>();
    inMemory.equity.ts.forEach((t, i) => last.set(Math.floor(t / (15 * 60e6)), inMemory.equity.equity[i]));
    expect(Array.from(run.equity.equity)).toEqual([...last.values()]);
    expect(Array.from(run.long!.tradeNetPnls)).toEqual(inMemory.trades.map((t) => t.netPnl));
    expect(run.trades.length).toBe(1000);
    const report = await reportRunOf(run);
    expect(report.summary.sharpe).toBe(inMemory.metrics.sharpe);
    expect(report.summary.maxDrawdown).toBe(inMemory.metrics.maxDrawdown);
    expect(report.notices.map(([k]) => k)).toContain(`${inMemory.equity.ts.length.toLocaleString('en-US')} equity points`);
  });

  it('a report of a run with more fills than its record budget reads the whole curve but only the first trades and fills', async () => {
    const run = await readRunForReport(`${reports}/spill`, 200_000, 500);
    expect(run.long?.interval).toBe(0);
    expect(Array.from(run.equity.equity)).toEqual(Array.from(inMemory.equity.equity));
    expect(run.trades).toHaveLength(1000); // the table's rows (MAX_TRADE_ROWS)
    expect(run.long?.trades).toBe(inMemory.trades.length);
    const report = await reportRunOf(run);
    expect(report.summary.sharpe).toBe(inMemory.metrics.sharpe);
    expect(report.notices.some(([k]) => /equity points/.test(k))).toBe(false); // nothing resampled
  });
});

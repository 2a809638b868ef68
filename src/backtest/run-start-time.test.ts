import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { defineStrategy, z } from '../index.ts';
import type { Context } from '../engine/strategy.ts';
import { runBacktest } from '../session/run-backtest.ts';

const FILE = sharedFile('backtrader/2006-day-001.txt');
const DAY_MICROS = 86_400_000_000;
const tmp = tempDir();
/** The file's first and last bars, read off its rows: 2006-01-02 and 2006-12-29, stamped at midnight UTC. */
const FIRST = Date.UTC(2006, 0, 2) * 1000;
const LAST = Date.UTC(2006, 11, 29) * 1000;

/** A strategy whose onStart does `start(ctx)`; onTimer's times are kept. */
function probe(start: (ctx: Context) => void, timers: number[] = []) {
  return defineStrategy({
    name: 'probe', description: 'start-time probe', params: z.strictObject({}),
    create: () => ({ onStart: start, onTimer: (t) => { timers.push(t.ts); } }),
  });
}

const config = (extra: Record<string, unknown> = {}) => ({ strategy: 'probe', cash: 100_000, data: [{ file: FILE, instrument: { symbol: 'X' } }], ...extra });

describe('a backtest starts just before its first event', () => {
  it('onStart reads 1 µs before the first bar, and before the first bar of the window with `from`', async () => {
    let seen = Number.NaN;
    const strategy = probe((ctx) => { seen = ctx.now(); });
    await runBacktest(config(), { strategy });
    expect(seen).toBe(FIRST - 1);
    await runBacktest(config({ from: '2006-03-01' }), { strategy });
    expect(seen).toBe(Date.UTC(2006, 2, 1) * 1000 - 1);
  });

  it('a daily timer set in onStart fires once a day from the start, not once a day since 1970', async () => {
    const fired: number[] = [];
    await runBacktest(config(), { strategy: probe((ctx) => ctx.setTimer('daily', ctx.now() + DAY_MICROS, DAY_MICROS), fired) });
    // Due at FIRST − 1 + k days for k ≥ 1, up to the last bar's time: 361 of them between 2006-01-02 and 2006-12-29.
    expect(fired.length).toBe(Math.floor((LAST - FIRST + 1) / DAY_MICROS));
    expect(fired.length).toBe(361);
    expect(fired[0]).toBe(FIRST - 1 + DAY_MICROS);
  });

  it('a DAY market order sent in onStart fills at the first bar’s open on that day instead of expiring there', async () => {
    // Minute bars from 09:30 UTC: the run starts at 09:29:59.999999 the same day (data stamped at
    // midnight starts the run on the day before, where a DAY order from onStart expires, as live).
    const open = Date.UTC(2024, 2, 4, 9, 30) / 1000;
    const rows = [[100, 101, 99, 100.5], [100.5, 102, 100, 101], [101, 101.5, 100.2, 100.8]];
    const file = tmp.file('intraday.csv', `timestamp,open,high,low,close,volume\n${rows.map((r, k) => `${open + 60 * k},${r.join(',')},10`).join('\n')}\n`);
    const r = await runBacktest({ ...config(), data: [{ file, instrument: { symbol: 'X' } }] }, { strategy: probe((ctx) => { ctx.buy(1, { tif: 'DAY' }); }) });
    expect(r.orders[0].createdTs).toBe(open * 1e6 - 1);
    expect(r.fills.map((f) => [f.price, f.qty, f.ts])).toEqual([[100, 1, open * 1e6]]);
  });

  it('a replay keeps the start it is given', async () => {
    let seen = Number.NaN;
    await runBacktest(config(), { strategy: probe((ctx) => { seen = ctx.now(); }), clockStart: FIRST - 5_000_000 });
    expect(seen).toBe(FIRST - 5_000_000);
  });
});

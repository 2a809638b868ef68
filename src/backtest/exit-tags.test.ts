import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy as breakout } from '../../strategies/trailing-breakout/index.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { readRun } from './read-run.ts';
import { reportRunOf } from './report-of-run.ts';
import { tearsheetHtml } from '../analytics/report/tearsheet.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();

describe('order tags carried to round trips: why each trade ended', () => {
  it('each trade exit tag is the tag of the order whose fill closed it; the report groups them', async () => {
    const r = await runBacktest({ strategy: 'trailing-breakout', cash: 100_000, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] }, { strategy: breakout });
    expect(r.trades.length).toBeGreaterThan(10);
    const byId = new Map(r.orders.map((o) => [o.id, o]));
    for (const t of r.trades) {
      // The closing fill: the last fill at the trade's exit time on its instrument.
      const closing = r.fills.filter((f) => f.ts === t.exitTs && f.instrumentId === t.instrumentId).at(-1)!;
      expect(t.exitTag).toBe(byId.get(closing.orderId)!.tag ?? '');
    }
    const tags = new Set(r.trades.map((t) => t.exitTag));
    expect([...tags].every((x) => /^breakout:(stop-loss|take-profit)$/.test(x) || x === '')).toBe(true);
    expect(tags.size).toBeGreaterThan(1);

    const j = JSON.parse((await cli('backtest', '--strategy', 'trailing-breakout', '--cash', '100000', '--data', ORCL, '--out', join(tmp.dir, 'reports'), '--no-report', '--json')).out) as { runDir: string };
    const orders = (await readParquetColumns(join(j.runDir, 'orders.parquet'))).columns;
    expect(new Set(orders.tag as string[])).toEqual(new Set(r.orders.map((o) => o.tag ?? '')));
    const html = tearsheetHtml(await reportRunOf(await readRun(j.runDir)));
    expect(html).toContain('Exits by reason');
    for (const tag of tags) if (tag) expect(html).toContain(`<td>${tag}</td><td>${r.trades.filter((t) => t.exitTag === tag).length}</td>`);
  });
});

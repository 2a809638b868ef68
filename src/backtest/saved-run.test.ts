import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { tearsheetHtml } from '../analytics/report/tearsheet.ts';
import { readRun, savedRunOf } from './read-run.ts';
import { reportRunOf } from './report-of-run.ts';
import { writeRunResult } from './write-result.ts';

const tmp = tempDir();

describe('a run in memory and the same run read back from its folder', () => {
  it('give the same saved-run view and the same tearsheet (the fresh backtest writes its report from memory)', async () => {
    const r = await runBacktest({
      strategy: 'ma-cross', params: { fast: 10, slow: 30 }, commission: { type: 'rate', rate: 0.001 },
      data: [{ file: sharedFile('backtrader/orcl-1995-2014.txt'), instrument: { symbol: 'ORCL' } }],
    });
    expect(r.trades.length).toBeGreaterThan(10);
    expect(r.fees).toBeGreaterThan(0);
    const dir = await writeRunResult(r, tmp.dir);
    const fromDisk = await readRun(dir);
    const fromMemory = savedRunOf(r, dir);
    const { config: c1, ...a } = fromMemory;
    const { config: c2, ...b } = fromDisk;
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(c1))).toEqual(c2); // the config as result.json stores it
    expect(tearsheetHtml(await reportRunOf(fromMemory))).toBe(tearsheetHtml(await reportRunOf(fromDisk)));
  });
});

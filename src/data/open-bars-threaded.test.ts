import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-root.ts';
import { DataError } from '../core/errors.ts';
import { join } from 'node:path';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { concatBarBatches, rowOf, type BarBatch } from './bar-batch.ts';
import { barReaderThreads, openBarsThreaded } from './open-bars-threaded.ts';
import { openBars, type BarStream } from './read-bars.ts';

const tmp = tempDir();

async function drain(s: BarStream): Promise<BarBatch> {
  const out: BarBatch[] = [];
  for await (const b of s.batches) out.push(b);
  return concatBarBatches(out);
}

describe('openBarsThreaded (reader on a worker thread)', () => {
  it('yields exactly the bars openBars yields, in order, across many batches', async () => {
    const f = sharedFile('crypto/btc-perp-20211231-20220201_1m.csv'); // 45k rows
    const [a, b] = await Promise.all([drain(await openBars(f)), drain(await openBarsThreaded(f))]);
    expect(b.length).toBe(a.length);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(b[k].subarray(0, b.length)).toEqual(a[k].subarray(0, a.length));
  });

  it('passes bad-row errors through with file, row and field', async () => {
    const f = tmp.file('bad.csv', 'date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,2,1,-4\n');
    const err = await drain(await openBarsThreaded(f)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toEqual({ file: f, row: 3, field: 'close' });
    expect((err as DataError).message).toContain(`${f}:3 field "close"`);
  });

  it('reports skipped rows and the window filter count at the end of the stream', async () => {
    const f = tmp.file('skip.csv', 'date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,0.5,1,1\n2024-01-03,1,2,1,1.5\n2024-01-04,1,2,1,1.5\n');
    const s = await openBarsThreaded(f, { onBadRow: 'skip', to: Date.UTC(2024, 0, 3) * 1000 });
    const bars = await drain(s);
    expect(bars.length).toBe(2);
    expect(rowOf(bars, 1)).toBe(4);
    expect(s.badRows.report.skipped).toBe(1);
    expect(s.filtered.count).toBe(1);
  });

  // More batches than the thread sends ahead (3 of 65,536 rows): unread, it blocks waiting for the consumer.
  const longFile = (): string => tmp.file('long.csv', `timestamp,open,high,low,close,volume\n${Array.from({ length: 300_000 }, (_, i) => `${1_700_000_000 + 60 * i},1,2,0.5,1.5,10`).join('\n')}\n`);

  it('ends its thread when the stream is let go before its first batch (a run that failed before its replay)', async () => {
    const s = await openBarsThreaded(longFile());
    expect(barReaderThreads()).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // the thread reads ahead and waits
    await s.batches[Symbol.asyncIterator]().return?.();
    for (let k = 0; k < 100 && barReaderThreads() > 0; k++) await new Promise((r) => setTimeout(r, 50));
    expect(barReaderThreads()).toBe(0);
  });

  it('does not hold the process open for a stream nobody reads', () => {
    const threaded = JSON.stringify(join(packageRoot(), 'src/data/open-bars-threaded.ts'));
    const code = `(async () => { const { openBarsThreaded } = await import(${threaded}); await openBarsThreaded(${JSON.stringify(longFile())}); console.log('opened'); })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: packageRoot(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('opened');
  }, 60_000);
});

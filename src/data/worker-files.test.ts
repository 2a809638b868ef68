import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { packageRoot } from '../core/package-root.ts';
import { allocTrades } from './tick-batch.ts';
import { writeTickParquet } from './tick-parquet.ts';

const tmp = tempDir();

describe('startWorker', () => {
  // A worker inherits the process's flags: Node refuses to start one from a file under an
  // inherited --input-type, and one whose explicit flags name a V8 option (--max-old-space-size).
  const cases = ['--max-old-space-size=1024', '--input-type=module', '--input-type=commonjs --max-semi-space-size=2', '--input-type=module --max-old-space-size=1024'];
  it.each(cases)('a script run as node %s -e … reads ticks on a reader thread', async (flags) => {
    const t = allocTrades(3);
    t.length = 3;
    t.ts.set([1e15, 1e15 + 1, 1e15 + 2]); t.tsLocal.set([1e15, 1e15 + 1, 1e15 + 2]); t.price.set([1, 2, 3]); t.qty.set([1, 1, 1]);
    const file = join(tmp.dir, 'trades-00000.parquet');
    await writeTickParquet(file, { kind: 'trades', batch: t });
    const threaded = JSON.stringify(join(packageRoot(), 'src/data/tick-files-threaded.ts'));
    // An async function: valid as a CommonJS and as an ES module script.
    const code = `(async () => { const { readTickFilesThreaded } = await import(${threaded}); let n = 0; for await (const b of readTickFilesThreaded([${JSON.stringify(file)}])) n += b.length; console.log(n); })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', ...flags.split(' '), '-e', code], { cwd: packageRoot(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  }, 90_000);
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { packageRoot } from '../core/package-root.ts';
import { allocTrades } from './tick-batch.ts';
import { writeTickParquet } from './tick-parquet.ts';
import { workerExecArgv } from './worker-files.ts';

const tmp = tempDir();

describe('workerExecArgv', () => {
  it('keeps the process flags in order, less --input-type in either spelling', () => {
    expect(workerExecArgv(['--import', 'tsx', '--input-type=module', '-e', 'code'])).toEqual(['--import', 'tsx', '-e', 'code']);
    expect(workerExecArgv(['--input-type', 'module', '--max-old-space-size=512'])).toEqual(['--max-old-space-size=512']);
    expect(workerExecArgv(['--expose-gc'])).toEqual(['--expose-gc']);
  });

  it('a script given with --input-type=module -e reads ticks on a reader thread', async () => {
    const t = allocTrades(3);
    t.length = 3;
    t.ts.set([1e15, 1e15 + 1, 1e15 + 2]); t.tsLocal.set([1e15, 1e15 + 1, 1e15 + 2]); t.price.set([1, 2, 3]); t.qty.set([1, 1, 1]);
    const file = join(tmp.dir, 'trades-00000.parquet');
    await writeTickParquet(file, { kind: 'trades', batch: t });
    const threaded = JSON.stringify(join(packageRoot(), 'src/data/tick-files-threaded.ts'));
    const code = `const { readTickFilesThreaded } = await import(${threaded}); let n = 0; for await (const b of readTickFilesThreaded([${JSON.stringify(file)}])) n += b.length; console.log(n);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: packageRoot(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  }, 90_000);
});

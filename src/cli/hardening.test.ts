import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { TrialStore } from '../optimize/trial-store.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { synthBars } from '../data/synth-bars.ts';
import type { TrialResult } from '../optimize/evaluate-trial.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');
const tmp = tempDir();

/** Runs the real binary (process-level behaviour: signals, pipes, unhandled rejections). */
function lockstep(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('files: every OS error names the path; nothing half-written stays behind', () => {
  it('an --out that cannot be created is a one-line error, exit 1 (Node\'s own recursive mkdir spins forever under /proc)', async () => {
    const file = tmp.file('a-file', 'x');
    for (const [out, why] of [[join(file, 'reports'), /a part of the path is a file, not a folder \(ENOTDIR\)/], ['/proc/lockstep-x/reports', /no such file or folder \(ENOENT\)/]] as const) {
      const r = await cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', out, '--no-report');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`cannot create the folder ${out.replace(/[/.]/g, '\\$&').replace('\\/reports', '(\\/reports)?')}`));
      expect(r.err).toMatch(why);
      expect(r.err).not.toMatch(/internal error/);
    }
  });

  it('temporary result folders of dead processes are removed by the next run; a live process\'s are kept', async () => {
    const out = join(tmp.dir, 'stale');
    mkdirSync(join(out, '20200101-000000-x-1.tmp-999999999', 'inner'), { recursive: true }); // a pid that cannot exist
    writeFileSync(join(out, '20200101-000000-x-1.tmp-999999999', 'inner', 'equity.parquet'), 'half');
    mkdirSync(join(out, `20200101-000000-x-2.tmp-${process.pid}`)); // a run in progress (this process)
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', out, '--no-report');
    expect(r.code).toBe(0);
    const left = readdirSync(out);
    expect(left.some((n) => n.endsWith('.tmp-999999999'))).toBe(false);
    expect(left).toContain(`20200101-000000-x-2.tmp-${process.pid}`);
  });

  it('disk full: exit 1 naming the file and ENOSPC, and no temporary file left (a 200 KiB tmpfs; needs root)', async (ctx) => {
    const mnt = join(tmp.dir, 'full');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', mnt]).status === 0;
    if (!mounted) {
      ctx.skip(); // not root (or no mount in this container): the disk-full path is not exercised here
      return;
    }
    try {
      const r = await cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', join(mnt, 'reports'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/cannot write .*full\/reports\/.*: no space left on the device \(ENOSPC\) — free some space/);
      const all = spawnSync('find', [mnt], { encoding: 'utf8' }).stdout;
      expect(all).not.toMatch(/\.tmp-\d+/);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('disk full in the middle of a long run (its series spilling to the disk as it goes): exit 1 naming the file, nothing left', async (ctx) => {
    const mnt = join(tmp.dir, 'full-long');
    mkdirSync(mnt);
    const bars = join(tmp.dir, 'long.parquet');
    const b = synthBars({ count: 300_000, seed: 3 });
    await writeParquetFile(bars, { timestamp: microsColumn(b.ts.subarray(0, b.length)), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0;
    if (!mounted) {
      ctx.skip(); // not root (or no mount in this container)
      return;
    }
    try {
      const r = await cli('backtest', '--strategy', 'ma-cross', '--data', bars, '--out', join(mnt, 'reports'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/cannot write .*full-long\/reports\/.*\.tmp-\d+\/\w+\.parquet: no space left on the device \(ENOSPC\)/);
      expect(spawnSync('find', [mnt], { encoding: 'utf8' }).stdout.trim()).toBe(mnt);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('a study file with a torn last line is repaired before the next append (the torn line never ends up mid-file)', () => {
    const file = join(tmp.dir, 'study', 'trials.jsonl');
    const trial = (n: number) => ({ number: n, params: { p: n }, values: [n], metrics: {}, state: 'complete' } as unknown as TrialResult);
    const a = new TrialStore(file, { s: 1 });
    a.add(trial(0));
    a.add(trial(1));
    writeFileSync(file, readFileSync(file, 'utf8') + '{"number":2,"par'); // killed mid-write
    const b = new TrialStore(file, { s: 1 });
    expect(b.size).toBe(2);
    b.add(trial(2));
    const c = new TrialStore(file, { s: 1 }); // before the repair this failed: "not a JSON trial record"
    expect(c.size).toBe(3);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as object)).toHaveLength(4);
  });
});

describe('strategy errors: exit 3 naming the strategy, the callback, the event time and its own frames; nothing saved', () => {
  it('a throw in onBar', async () => {
    const out = join(tmp.dir, 'throwing');
    const r = await cli('backtest', '--strategy', 'test/fixtures/throwing-strategy.ts', '--data', DEMO, '--out', out);
    expect(r.code).toBe(3);
    const lines = r.err.trim().split('\n');
    // the third bar of the demo file is 2006-01-04 (its rows: 2006-01-02, 2006-01-03, 2006-01-04, …)
    expect(lines[0]).toBe('lockstep backtest: strategy throwing failed in onBar at event time 2006-01-04T00:00:00.000Z: bar 3 is one too many');
    expect(lines.slice(1).map((l) => l.trim().replace(/\(.*\/test\//, '(test/'))).toEqual([
      'at explode (test/fixtures/throwing-strategy.ts:18:9)', 'at Object.onBar (test/fixtures/throwing-strategy.ts:11:28)',
    ]);
    expect(r.err).not.toMatch(/src\/engine|node_modules|internal error/);
    expect(readdirSync(tmp.dir)).not.toContain('throwing');
  });

  it('a throw in create', async () => {
    const r = await cli('backtest', '--strategy', 'test/fixtures/throwing-strategy.ts', '--param', 'bar=0', '--data', DEMO, '--no-save');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^lockstep backtest: strategy throwing failed in create: cannot create\n\s+at Object\.create \(.*throwing-strategy\.ts:7:\d+\)/);
  });
});

describe('the process: pipes and unawaited promises', () => {
  it('`--json | head` ends quietly: no EPIPE stack', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/lockstep.js'), 'backtest', '--strategy', 'sma-cross', '--data', DEMO, '--no-save', '--json'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.stdout.destroy(); // the reader is gone before the result is printed, as after `head -c` exits
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(err).not.toMatch(/EPIPE|at .*\(node:/);
    expect(code).toBe(0);
  }, 60_000);

  it('a backtest exits as soon as its output is in the pipe, all of it: `--json | (sleep; cat)` gets the whole object', () => {
    // 240 KB of JSON, more than a pipe holds (64 KiB): the process cannot end before the slow reader has taken the rest.
    const orcl = sharedFile('backtrader/orcl-1995-2014.txt');
    const command = `"${process.execPath}" bin/lockstep.js backtest --strategy sma-cross --data "${orcl}" --tick-size 0.000001 --no-save --json | (sleep 0.5; cat)`;
    const r = spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(64 << 10);
    const rows = readFileSync(orcl, 'utf8').trim().split('\n').length - 1; // one header line
    expect(JSON.parse(r.stdout).events).toBe(rows);
  }, 60_000);

  it('a strategy\'s promise that fails unawaited: one line naming it and where, exit 3', () => {
    const r = lockstep(['backtest', '--strategy', 'test/fixtures/unawaited-strategy.ts', '--data', DEMO, '--no-save']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^lockstep: a promise that was not awaited failed: boom from the strategy \(at .*test\/fixtures\/unawaited-strategy\.ts:\d+:\d+\)/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});


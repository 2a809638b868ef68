import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/postgres.ts';
import { pythonJson } from '../../test/python.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();
let pg: TestPostgres;

beforeAll(async () => { pg = await startPostgres('optuna'); }, 120_000);
afterAll(() => pg?.stop());

describe('distributed optimization through Optuna on PostgreSQL', () => {
  it('two worker processes share one study: the requested number of distinct trials, none run twice', async () => {
    const TRIALS = 24;
    const worker = (seed: number) => promisify(execFile)(process.execPath, [
      join(ROOT, 'bin/lockstep.js'), 'optimize', '--strategy', 'ma-cross', '--data', ORCL, '--sampler', 'tpe', '--trials', String(TRIALS),
      '--storage', pg.url, '--study', 'shared-study', '--workers', '1', '--seed', String(seed), '--json', '--no-report', '--out', tmp.dir,
    ], { cwd: ROOT, maxBuffer: 64 << 20 });
    const [a, b] = await Promise.all([worker(1), worker(2)]);
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    const numbers = [...ja.trials, ...jb.trials].map((t: { number: number }) => t.number);
    expect(ja.trials.length).toBeGreaterThan(0);
    expect(jb.trials.length).toBeGreaterThan(0); // both processes did work
    expect(new Set(numbers).size).toBe(numbers.length); // no trial evaluated by both
    // Independent check of the study in the database, through Optuna itself.
    const py = `
import json, optuna
s = optuna.load_study(study_name="shared-study", storage="${pg.url}")
done = [t for t in s.trials if t.state == optuna.trial.TrialState.COMPLETE]
print(json.dumps({"complete": len(done), "numbers": [t.number for t in done], "params": [t.params for t in done]}))`;
    const db = pythonJson<{ complete: number; numbers: number[]; params: unknown[] }>(py);
    expect(db.complete).toBe(TRIALS);
    expect(new Set(db.numbers).size).toBe(TRIALS);
    expect(new Set(db.params.map((p: unknown) => JSON.stringify(p))).size).toBe(TRIALS);
    expect(numbers.filter((n: number) => db.numbers.includes(n)).length).toBe(TRIALS);
  }, 180_000);

  it('--trial-timeout in a shared grid study: the stuck trial fails, and both processes finish with the whole study', async () => {
    const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');
    const worker = () => promisify(execFile)(process.execPath, [
      join(ROOT, 'bin/lockstep.js'), 'optimize', '--strategy', join(ROOT, 'test/fixtures/looping-strategy.ts'), '--data', DEMO, '--grid', 'loop=0,1',
      '--trial-timeout', '1', '--storage', pg.url, '--study', 'stuck-grid', '--workers', '1', '--json', '--no-report', '--out', tmp.dir,
    ], { cwd: ROOT, maxBuffer: 64 << 20 });
    const [a, b] = await Promise.all([worker(), worker()]);
    for (const r of [a, b]) {
      // Each process reads the whole study back: the free point complete, the stuck one failed with the limit named.
      const trials = JSON.parse(r.stdout).trials as { params: { loop: number }; state: string; reason?: string }[];
      expect(trials.map((t) => [t.params.loop, t.state])).toEqual([[0, 'complete'], [1, 'failed']]);
      expect(trials[1].reason).toMatch(/the trial time limit is 1 s \(--trial-timeout/);
    }
  }, 180_000);

  it('a sampler that keeps proposing evaluated points across processes reuses their results: no parameter set runs twice, duplicates are counted', async () => {
    const worker = (seed: number) => promisify(execFile)(process.execPath, [
      join(ROOT, 'bin/lockstep.js'), 'optimize', '--strategy', 'ma-cross', '--data', ORCL, '--sampler', 'tpe', '--trials', '10',
      '--grid', 'fast=5:6:1', '--grid', 'slow=20:21:1', // four points for ten trials
      '--storage', pg.url, '--study', 'tiny-space', '--workers', '1', '--seed', String(seed), '--json', '--no-report', '--out', tmp.dir,
    ], { cwd: ROOT, maxBuffer: 64 << 20 });
    const [a, b] = await Promise.all([worker(3), worker(4)]);
    const trials = [...JSON.parse(a.stdout).trials, ...JSON.parse(b.stdout).trials] as { params: unknown; duplicateOf?: number; values: number[] }[];
    const ran = trials.filter((t) => t.duplicateOf === undefined).map((t) => JSON.stringify(t.params));
    expect(new Set(ran).size).toBe(ran.length); // each point evaluated once, by one process
    expect(ran.length).toBeLessThanOrEqual(4);
    const reused = trials.filter((t) => t.duplicateOf !== undefined);
    expect(reused.length).toBeGreaterThan(0);
    expect(JSON.parse(a.stdout).duplicates + JSON.parse(b.stdout).duplicates).toBe(reused.length);
    // A reused trial has the values of the trial it copies (whichever process ran it).
    const byNumber = new Map(trials.map((t) => [(t as unknown as { number: number }).number, t]));
    for (const t of reused) if (byNumber.has(t.duplicateOf!)) expect(t.values).toEqual(byNumber.get(t.duplicateOf!)!.values);
  }, 180_000);
});

import { execFile, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/postgres.ts';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();
let pg: TestPostgres;

beforeAll(async () => { pg = await startPostgres('wf'); }, 120_000);
afterAll(() => pg?.stop());

const args = (sampler: string, extra: string[]) => [
  join(ROOT, 'bin/lockstep.js'), 'walkforward', '--strategy', 'ma-cross', '--data', ORCL, '--train', '1500', '--test', '700', '--sampler', sampler,
  ...(sampler === 'grid' ? ['--grid', 'fast=4:20:4', '--grid', 'slow=25:65:10'] : ['--trials', '24']),
  '--seed', '5', '--workers', '1', '--json', '--no-report', '--out', tmp.dir, ...extra,
];
/**
 * One walk-forward process. A process still running after 240 s (a run takes 5–20 s) is killed
 * and fails the test with its stderr — the folds it finished — and the studies on the storage
 * (a fold's trials by state), instead of running on past the test's own timeout, which names nothing.
 */
const run = async (sampler: string, extra: string[] = []) => {
  try {
    return JSON.parse((await promisify(execFile)(process.execPath, args(sampler, extra), {
      cwd: ROOT, maxBuffer: 64 << 20, timeout: 240_000, killSignal: 'SIGKILL',
    })).stdout);
  } catch (e) {
    // How it ended, and what the storage held then: each fold's trials by state (a study left short shows here).
    const x = e as Error & { code?: number | string; signal?: string | null };
    x.message += `\n(exit code ${x.code ?? '—'}, signal ${x.signal ?? '—'}) studies on the storage: ${pg ? storedStudies() : 'none'}`;
    throw e;
  }
};
/** Every study on the test's storage with its trials counted by state, as Optuna reads them. */
function storedStudies(): string {
  const py = `
import json, optuna
out = {}
for s in optuna.get_all_study_summaries("${pg.url}"):
    counts = out.setdefault(s.study_name, {})
    for t in optuna.load_study(study_name=s.study_name, storage="${pg.url}").trials:
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
print(json.dumps(out))`;
  try {
    return execFileSync(PYTHON, ['-c', py], { timeout: 60_000 }).toString().trim();
  } catch (e) {
    return `(could not be read: ${(e as Error).message.split('\n')[0]})`;
  }
}
/** What must not depend on how many processes ran the study: each fold's choice and the stitched out-of-sample result. */
const outcome = (j: { folds: { params: unknown; best: { values: number[] } | null; trials: number }[]; oos: unknown }) => ({
  folds: j.folds.map((f) => ({ params: f.params, values: f.best?.values, trials: f.trials })), oos: j.oos,
});
/** Each fold's study in the database, through Optuna: finished trials, their numbers and who ran them. */
function studies(prefix: string, folds: number): { finished: number; numbers: number[]; by: string[] }[] {
  const py = `
import json, optuna
out = []
for k in range(${folds}):
    s = optuna.load_study(study_name="${prefix}/fold-%d" % k, storage="${pg.url}")
    done = [t for t in s.trials if "result" in t.user_attrs]
    out.append({"finished": len(done), "numbers": sorted(t.user_attrs["n"] for t in done), "by": sorted({t.user_attrs["by"] for t in done})})
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', py]).toString());
}

describe('walk-forward across processes on a shared PostgreSQL storage', () => {
  for (const sampler of ['grid', 'genetic'] as const) {
    it(`${sampler}: two processes split every fold's trials (study NAME/fold-K) and both get the single-process result`, async () => {
      const single = await run(sampler);
      const study = `wf-${sampler}`;
      const [a, b] = await Promise.all([run(sampler, ['--storage', pg.url, '--study', study]), run(sampler, ['--storage', pg.url, '--study', study])]);
      expect(single.folds.length).toBeGreaterThanOrEqual(4);
      expect(outcome(a)).toEqual(outcome(single));
      expect(outcome(b)).toEqual(outcome(single));
      const planned = single.folds[0].trials;
      const db = studies(study, single.folds.length);
      for (const s of db) {
        expect(s.finished).toBe(planned); // exactly the planned trials, each once
        expect(s.numbers).toEqual(Array.from({ length: planned }, (_, n) => n));
      }
      expect(new Set(db.flatMap((s) => s.by)).size).toBe(2); // both processes ran trials
    }, 300_000);
  }

  it('tpe: each fold is its own Optuna study (NAME/fold-K) of exactly the planned trials, and both processes choose from all of them', async () => {
    const study = 'wf-tpe';
    const [a, b] = await Promise.all([run('tpe', ['--trials', '12', '--storage', pg.url, '--study', study]), run('tpe', ['--trials', '12', '--storage', pg.url, '--study', study])]);
    expect(a.folds.length).toBeGreaterThanOrEqual(4);
    expect(outcome(a)).toEqual(outcome(b)); // one study per fold, read back whole by each process
    const py = `
import json, optuna
S = optuna.trial.TrialState
print(json.dumps([len([t for t in optuna.load_study(study_name="${study}/fold-%d" % k, storage="${pg.url}").trials if t.state in (S.COMPLETE, S.PRUNED)]) for k in range(${a.folds.length})]))`;
    const counted = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString()) as number[];
    expect(counted).toEqual(a.folds.map(() => 12)); // trials that failed to score (NaN) are replaced, as in one process
    expect(a.folds.every((f: { trials: number }) => f.trials >= 12)).toBe(true);
  }, 300_000);

  it('tpe: a trial left running by a process that died is failed once its heartbeat stops, and asked again: the fold holds exactly the planned trials', async () => {
    const study = 'wf-tpe-dead';
    // The dead process: it asked trial #0 of fold 0, beat once (its clock 5 s ahead: no clock is compared) and
    // stopped. The walk-forward counts it at first and must notice, while it waits for the fold's last trial,
    // that the beat stays the same.
    execFileSync(PYTHON, ['-c', `
import time, optuna
from optuna.distributions import IntDistribution
s = optuna.create_study(study_name="${study}/fold-0", storage="${pg.url}", direction="maximize")
t = s.ask({"fast": IntDistribution(2, 50), "slow": IntDistribution(10, 200)})
t.set_user_attr("beat", time.time() + 5)`]);
    const res = await run('tpe', ['--trials', '12', '--storage', pg.url, '--study', study]);
    const py = `
import json, optuna
S = optuna.trial.TrialState
out = []
for k in range(5):
    ts = optuna.load_study(study_name="${study}/fold-%d" % k, storage="${pg.url}").trials
    out.append({"counted": sum(1 for t in ts if t.state in (S.COMPLETE, S.PRUNED)), "running": sum(1 for t in ts if t.state == S.RUNNING),
                "stale": [t.number for t in ts if t.user_attrs.get("stale")]})
print(json.dumps(out))`;
    const folds = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString()) as { counted: number; running: number; stale: number[] }[];
    expect(res.folds.length).toBe(5);
    expect(folds.map((f) => f.counted)).toEqual([12, 12, 12, 12, 12]);
    expect(folds.map((f) => f.running)).toEqual([0, 0, 0, 0, 0]);
    expect(folds[0].stale).toEqual([0]); // the dead process's trial, failed and replaced
    expect(res.folds[0].trials).toBeGreaterThanOrEqual(12); // with trials that failed to score (NaN), as in one process
  }, 300_000);

  it('resumes after a process is killed mid-study: its claims lapse and run again, the result is the single-process one', async () => {
    const single = await run('grid');
    const study = 'wf-crash';
    const victim = spawn(process.execPath, args('grid', ['--storage', pg.url, '--study', study]), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((res) => victim.stderr.on('data', (d: Buffer) => { if (/fold 2\//.test(String(d))) res(); }));
    victim.kill('SIGKILL');
    await new Promise((r) => victim.on('close', r));
    const after = await run('grid', ['--storage', pg.url, '--study', study]);
    expect(outcome(after)).toEqual(outcome(single));
    const db = studies(study, single.folds.length);
    for (const s of db) expect(s.finished).toBe(single.folds[0].trials);
  }, 300_000);
});

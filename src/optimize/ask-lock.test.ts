import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/postgres.ts';
import { PYTHON } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = tempDir();
let pg: TestPostgres;

beforeAll(async () => { pg = await startPostgres('asks'); }, 120_000);
afterAll(() => pg?.stop());

/** test/ask_race.py: two processes asking a 2-trial study in the order that once left it short. */
function race(storage: string, study: string, lock: boolean): { counted: number; numbers: number[] } {
  const args = [join(ROOT, 'test/ask_race.py'), join(ROOT, 'src/optimize'), storage, study, ...(lock ? [] : ['--no-lock'])];
  return JSON.parse(execFileSync(PYTHON, args, { timeout: 60_000 }).toString());
}

describe('asks on a shared Optuna study are taken one at a time (ask_lock.py)', () => {
  const storages = () => [['PostgreSQL', pg.url], ['SQLite', `sqlite:///${join(tmp.dir, 'study.db')}`]] as const;

  it('the study ends with exactly its trials when one process withdraws a trial while another asks', () => {
    for (const [name, url] of storages()) {
      // Without the lock the same schedule leaves one trial: the race is real, and this test sees it.
      expect(race(url, `${name}-control`, false), `${name} without the lock`).toEqual({ counted: 1, numbers: [1] });
      // With it: #0 did not score and was replaced by #2, so trials #1 and #2 make the study.
      expect(race(url, `${name}-locked`, true), name).toEqual({ counted: 2, numbers: [1, 2] });
    }
  }, 120_000);

  it('refuses a storage it cannot lock, naming the ones it can', () => {
    const py = `import sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'src/optimize'))})
from ask_lock import ask_lock
try:
    ask_lock("mysql://u@127.0.0.1/db", "s")
except ValueError as e:
    print(e)`;
    expect(execFileSync(PYTHON, ['-c', py]).toString()).toMatch(/needs a postgresql:\/\/ or sqlite:\/\/\/ storage .* not mysql:\/\//);
  });
});

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

/** test/ask_race.py: two processes asking a 2-trial study at once, the second holding between its count and its ask. */
function race(storage: string, study: string, lock: boolean): { counted: number; numbers: number[] } {
  const args = [join(ROOT, 'test/ask_race.py'), join(ROOT, 'src/optimize'), storage, study, ...(lock ? [] : ['--no-lock'])];
  return JSON.parse(execFileSync(PYTHON, args, { timeout: 60_000 }).toString());
}

describe('asks on a shared Optuna study are taken one at a time (ask_lock.py)', () => {
  const storages = () => [['PostgreSQL', pg.url], ['SQLite', `sqlite:///${join(tmp.dir, 'study.db')}`]] as const;

  it('the study ends with exactly its trials when two processes ask at once', () => {
    for (const [name, url] of storages()) {
      // Without the lock both find room for one more trial and both add it: the race is real, and this test sees it.
      expect(race(url, `${name}-control`, false), `${name} without the lock`).toEqual({ counted: 3, numbers: [0, 1, 2] });
      // With it the second process's ask waits for the first's, then finds the study full.
      expect(race(url, `${name}-locked`, true), name).toEqual({ counted: 2, numbers: [0, 1] });
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

import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('fail_stale (trial_heartbeat.py)', () => {
  it('fails a running trial whose beats stopped, or that died before its first beat, and keeps one beaten within the grace', () => {
    const tmp = tempDir();
    const py = `
import sys, time, json, optuna
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'src/optimize'))})
from trial_heartbeat import fail_stale
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="s", storage="sqlite:///${join(tmp.dir, 'h.db')}")
never = s.ask()                                   # created, never beaten (its process died at once)
stopped = s.ask(); stopped.set_user_attr("beat", time.time() - 5)
time.sleep(1.2)
fresh = s.ask(); fresh.set_user_attr("beat", time.time())
fail_stale(s._storage, s._study_id, 1.0)
print(json.dumps({t.number: [t.state.name, bool(t.user_attrs.get("stale"))] for t in s.trials}))`;
    const states = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString());
    expect(states).toEqual({ 0: ['FAIL', true], 1: ['FAIL', true], 2: ['RUNNING', false] });
  });
});

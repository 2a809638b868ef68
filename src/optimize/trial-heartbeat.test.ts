import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonJson } from '../../test/python.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('StaleWatch (trial_heartbeat.py)', () => {
  it('fails a running trial whose beat stayed the same, or that was never beaten, for the grace of its own watch; never compares clocks', () => {
    const tmp = tempDir();
    const py = `
import sys, time, json, optuna
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'src/optimize'))})
from trial_heartbeat import Heartbeat, StaleWatch
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="s", storage="sqlite:///${join(tmp.dir, 'h.db')}")
st, sid = s._storage, s._study_id
never = s.ask()                                            # created, never beaten (its process died at once)
ahead = s.ask(); ahead.set_user_attr("beat", time.time() + 3600)    # its process's clock an hour ahead; it died
live = s.ask()
hb = Heartbeat(st, 0.5); hb.hold(live._trial_id)           # a live process on this machine
behind = s.ask()                                           # a live process whose clock is an hour behind
def states():
    return {t.number: t.state.name for t in s.get_trials(deepcopy=False)}
w = StaleWatch(1.0)
w.fail_stale(st, sid)
first = states()                                           # a first look fails nothing, not even the hour-old beat
for k in range(8):                                         # 1.6 s of watching; the behind process beats every 0.2 s
    behind.set_user_attr("beat", time.time() - 3600 + k)
    time.sleep(0.2)
    w.fail_stale(st, sid)
after = states()
hb.close()
print(json.dumps({"first": first, "after": after, "stale": [t.number for t in s.get_trials(deepcopy=False) if t.user_attrs.get("stale")]}))`;
    const r = pythonJson(py);
    expect(r.first).toEqual({ 0: 'RUNNING', 1: 'RUNNING', 2: 'RUNNING', 3: 'RUNNING' });
    // Before, the beat an hour behind was failed at once and the one an hour ahead kept for an hour.
    expect(r.after).toEqual({ 0: 'FAIL', 1: 'FAIL', 2: 'RUNNING', 3: 'RUNNING' });
    expect(r.stale).toEqual([0, 1]);
  });
});

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pythonJson } from '../../test/python.ts';
import { tempDir } from '../../test/tmp.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('trial ledger (trial_ledger.py): a result finished after another process failed its claim as stale', () => {
  it('is kept as trial n\'s result while nobody claimed n again, and dropped once someone did; the process goes on', () => {
    // A process paused past the grace period: another one failed its claim as stale. Before, finishing
    // that claim raised "has already finished" and ended the study in that process.
    const tmp = tempDir();
    const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HERE)})
from optuna.trial import TrialState
from trial_ledger import Ledger
l = Ledger()
l.open({"storage": "sqlite:///${join(tmp.dir, 'ledger.db')}", "study": "s", "directions": ["maximize"], "trials": 2, "identity": {"k": 1}})
def stale(ticket):  # as trial_heartbeat.fail_stale does it
    l.storage.set_trial_user_attr(ticket, "stale", True)
    l.storage.set_trial_state_values(ticket, TrialState.FAIL)
a = l.claim({})
stale(a["ticket"])
kept = l.finish({"ticket": a["ticket"], "values": [3.5], "result": {"n": a["n"], "v": 3.5}})
b = l.claim({})
stale(b["ticket"])
again = l.claim({})                      # n claimed again in the stale claim's place
dropped = l.finish({"ticket": b["ticket"], "values": None, "result": {"n": b["n"], "v": None}})
l.finish({"ticket": again["ticket"], "values": [1.0], "result": {"n": again["n"], "v": 1.0}})
print(json.dumps({"a": a["n"], "b": b["n"], "again": again["n"], "kept": kept, "dropped": dropped,
                  "results": l.results({"numbers": [0, 1]})["results"], "status": l.status({})}))
l.heartbeat.close()`;
    const r = pythonJson<Record<string, any>>(py);
    expect([r.a, r.b, r.again]).toEqual([0, 1, 1]);
    expect(r.kept).toEqual({ late: { n: 0, kept: true } });
    expect(r.dropped).toEqual({ late: { n: 1, kept: false } });
    expect(r.results).toEqual({ 0: { n: 0, v: 3.5 }, 1: { n: 1, v: 1.0 } });
    expect(r.status).toEqual({ finished: 2, running: 0 });
  });
});

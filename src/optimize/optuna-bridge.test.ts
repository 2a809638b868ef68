import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonJson } from '../../test/python.ts';
import { tempDir } from '../../test/tmp.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('Optuna bridge: duplicate proposals across processes', () => {
  it('a trial reuses only an earlier trial with its params (one that ran, failed ones too), so two trials asked at once never wait for each other', () => {
    // Two processes asking the same point at the same moment leave two RUNNING trials with equal params
    // (numbers 0 and 1). Only the later one may wait for the other's result; the earlier one runs.
    const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HERE)})
import optuna
from optuna.distributions import IntDistribution
from optuna_bridge import Bridge
optuna.logging.set_verbosity(optuna.logging.WARNING)
b = Bridge()
b.study = optuna.create_study()
space = {"x": IntDistribution(1, 4)}
for _ in range(2):
    b.study.enqueue_trial({"x": 2})
t0, t1 = b.study.ask(space), b.study.ask(space)
first = {"t0": b.duplicate(t0), "t1": b.duplicate(t1)}
b.study.tell(t0, 1.0)
b.study.enqueue_trial({"x": 2})
t2 = b.study.ask(space)
b.study.enqueue_trial({"x": 3})
t3 = b.study.ask(space)
# x=4 failed after it ran (its outcome noted, as tell does); x=1 was a withdrawn ask (FAIL, no outcome).
b.study.tell(t3, 2.0)
b.study.enqueue_trial({"x": 4})
t4 = b.study.ask(space)
t4.set_user_attr("lockstep_outcome", "failed")
b.study.tell(t4, state=optuna.trial.TrialState.FAIL)
b.study.enqueue_trial({"x": 1})
t5 = b.study.ask(space)
b.study.tell(t5, state=optuna.trial.TrialState.FAIL)
later = {}
for x, name in [(4, "t6"), (1, "t7")]:
    b.study.enqueue_trial({"x": x})
    later[name] = b.duplicate(b.study.ask(space))
out = {k: (None if v is None else v.number) for k, v in {**first, "t2": b.duplicate(t2), "t3": b.duplicate(t3), **later}.items()}
print(json.dumps({**out, "numbers": [t0.number, t1.number, t2.number, t3.number, t4.number, t5.number]}))`;
    const r = pythonJson<Record<string, unknown>>(py);
    expect(r.numbers).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.t0).toBeNull(); // the earliest holder of the point runs it …
    expect(r.t1).toBe(0); // … the later one waits for it (before the fix each waited for the other)
    expect(r.t2).toBe(0); // a finished earlier trial is reused
    expect(r.t3).toBeNull(); // a new point runs
    expect(r.t6).toBe(4); // a point that failed after it ran is not run again (before, every process ran it once more)
    expect(r.t7).toBeNull(); // a withdrawn ask never ran: its point runs
  });
});

describe('Optuna bridge: which trials count towards n_trials', () => {
  it('a trial that ran and failed, was infeasible or scored NaN counts; a withdrawn ask or a proposal breaking the constraints does not', () => {
    // A 4-trial study where every trial fails: the fifth ask gets nothing (before, failed trials did not
    // count, so a study where every point fails, or whose sampler kept proposing a failing point, asked for ever).
    const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HERE)})
from optuna.trial import TrialState
from optuna_bridge import Bridge
b = Bridge()
b.init({"sampler": "tpe", "directions": ["maximize"], "space": {"x": {"type": "categorical", "choices": [1, 2]}}, "seed": 1,
        "storage": None, "study": "s", "n_trials": 4, "prune": False})
asked = []
# As the TypeScript side tells them: failed and infeasible trials as "fail"; a proposal that broke the space's constraints with counts false.
for state, values, counts in [("fail", [], True), ("fail", [], False), ("complete", [None], True), ("fail", [], True), ("fail", [], True), ("fail", [], True)]:
    got = b.ask({"n": 1})["trials"]
    asked.append(len(got))
    if got:
        b.tell({"results": [{"number": got[0]["number"], "state": state, "values": values, **({} if counts else {"counts": False})}]})
# A withdrawn ask (FAIL with no outcome, as ask_one tells it) does not count.
t = b.study.ask()
b.study.tell(t, state=TrialState.FAIL)
print(json.dumps({"asked": asked, "counted": len(b.counted()), "trials": len(b.study.trials), "done": b.records({})["done"]}))`;
    const r = pythonJson<Record<string, unknown>>(py);
    expect(r.asked).toEqual([1, 1, 1, 1, 1, 0]);
    expect(r.counted).toBe(4);
    // Not counted: the proposal told with counts false, the withdrawn ask above, and the asks withdrawn
    // because they proposed a point that had run already (a 2-point space: most asks after the first two).
    expect(r.trials as number - 4).toBeGreaterThanOrEqual(2);
    expect(r.done).toBe(true);
  });
});

describe('Optuna bridge: a result told after another process failed its trial as stale', () => {
  it('is kept as a new trial while the study has room, and dropped once a trial was asked in its place; the process goes on', () => {
    // A process paused past the grace period (a suspended VM, a stopped process): another process failed its
    // running trial as stale. Before, telling that trial raised "has already finished" and ended the study.
    const tmp = tempDir();
    const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HERE)})
from optuna.trial import TrialState
from optuna_bridge import Bridge
b = Bridge()
b.init({"sampler": "random", "directions": ["maximize"], "space": {"x": {"type": "int", "low": 1, "high": 1000}}, "seed": 1,
        "storage": "sqlite:///${join(tmp.dir, 'late.db')}", "study": "s", "n_trials": 2, "prune": False})
storage = b.study._storage
def stale(number):  # as trial_heartbeat.fail_stale does it
    tid = storage.get_trial_id_from_study_id_trial_number(b.study._study_id, number)
    storage.set_trial_user_attr(tid, "stale", True)
    storage.set_trial_state_values(tid, TrialState.FAIL)
first = b.ask({"n": 1})["trials"][0]
stale(first["number"])
kept = b.tell({"results": [{"number": first["number"], "state": "complete", "values": [2.5], "record": {"r": 1}}]})
second = b.ask({"n": 1})["trials"][0]
stale(second["number"])
third = b.ask({"n": 1})["trials"][0]   # asked in the stale trial's place: the study is full again
dropped = b.tell({"results": [{"number": second["number"], "state": "fail", "values": []}]})
b.tell({"results": [{"number": third["number"], "state": "complete", "values": [1.0]}]})
trials = b.study.get_trials(deepcopy=False)
print(json.dumps({"kept": kept, "dropped": dropped, "counted": len(b.counted()), "done": b.records({})["done"],
                  "first": [first["params"], trials[first["number"]].state.name],
                  "copy": [[t.params, t.state.name, t.value, t.user_attrs.get("record")] for t in trials if t.number == kept["late"][0]["kept"]]}))
b.lock.close(); b.heartbeat.close()`;
    const r = pythonJson<Record<string, any>>(py);
    expect(r.kept.late).toHaveLength(1);
    expect(r.kept.late[0].number).toBe(0);
    const copy = r.copy[0];
    expect(copy).toEqual([r.first[0], 'COMPLETE', 2.5, { r: 1 }]); // the same point, its value and record
    expect(r.first[1]).toBe('FAIL'); // the stale trial stays failed
    expect(r.dropped.late).toEqual([{ number: 2, kept: null }]);
    expect(r.counted).toBe(2);
    expect(r.done).toBe(true);
  });
});

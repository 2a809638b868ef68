import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';

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
    const r = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString()) as Record<string, unknown>;
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
    const r = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString()) as Record<string, unknown>;
    expect(r.asked).toEqual([1, 1, 1, 1, 1, 0]);
    expect(r.counted).toBe(4);
    // Not counted: the proposal told with counts false, the withdrawn ask above, and the asks withdrawn
    // because they proposed a point that had run already (a 2-point space: most asks after the first two).
    expect(r.trials as number - 4).toBeGreaterThanOrEqual(2);
    expect(r.done).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('Optuna bridge: duplicate proposals across processes', () => {
  it('a trial reuses only an earlier trial with its params, so two trials asked at once never wait for each other', () => {
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
out = {k: (None if v is None else v.number) for k, v in {**first, "t2": b.duplicate(t2), "t3": b.duplicate(t3)}.items()}
print(json.dumps({**out, "numbers": [t0.number, t1.number, t2.number, t3.number]}))`;
    const r = JSON.parse(execFileSync(PYTHON, ['-c', py]).toString()) as Record<string, unknown>;
    expect(r.numbers).toEqual([0, 1, 2, 3]);
    expect(r.t0).toBeNull(); // the earliest holder of the point runs it …
    expect(r.t1).toBe(0); // … the later one waits for it (before the fix each waited for the other)
    expect(r.t2).toBe(0); // a finished earlier trial is reused
    expect(r.t3).toBeNull(); // a new point runs
  });
});

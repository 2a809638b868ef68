"""Two processes (threads here, each its own Bridge and storage connection) asking one shared
Optuna study of 2 trials in the order that left it one trial short before asks took a lock:

  A asks #0 (its trial will not score: NaN); B passes the "study full?" check with 1 counted;
  A asks #1; B asks #2, ranks it third and starts to withdraw it; A fails #0 and asks again,
  sees B's #2 still running and stops; B withdraws #2. Left: #1 alone.

Hooks on Optuna's Study.ask and Study.tell hold each thread at those points, for at most a
second each (with the lock, the other thread cannot get there: the hold runs out).

usage: ask_race.py SRC_OPTIMIZE_DIR STORAGE_URL STUDY [--no-lock]
prints {"counted": k, "numbers": [...]}: the study's trials that are not FAIL.
"""
import json
import sys
import threading

sys.path.insert(0, sys.argv[1])
import optuna  # noqa: E402
from optuna.trial import TrialState  # noqa: E402

import optuna_bridge  # noqa: E402

URL, STUDY = sys.argv[2], sys.argv[3]
if "--no-lock" in sys.argv:  # the control: the same schedule without the lock must come out short
    optuna_bridge.ask_lock = lambda _storage, _study: optuna_bridge.NoLock()
optuna.logging.set_verbosity(optuna.logging.ERROR)

HOLD = 1.0
b_checked = threading.Event()  # B passed its "study full?" check, about to create its trial
a_asked = threading.Event()  # A asked its second trial
b_withdrawing = threading.Event()  # B decided to withdraw its trial
a_stopped = threading.Event()  # A asked again after failing #0, and stopped
who = threading.local()

real_ask, real_tell = optuna.study.Study.ask, optuna.study.Study.tell


def ask(self, *args, **kwargs):
    if getattr(who, "name", "") == "B" and not b_checked.is_set():
        b_checked.set()
        a_asked.wait(HOLD)
    return real_ask(self, *args, **kwargs)


def tell(self, trial, values=None, state=None, **kwargs):
    if getattr(who, "name", "") == "B" and state == TrialState.FAIL and not b_withdrawing.is_set():
        b_withdrawing.set()
        a_stopped.wait(HOLD)
    return real_tell(self, trial, values, state, **kwargs)


optuna.study.Study.ask, optuna.study.Study.tell = ask, tell


def bridge(seed):
    b = optuna_bridge.Bridge()
    b.init({"sampler": "random", "directions": ["maximize"], "seed": seed, "storage": URL, "study": STUDY, "n_trials": 2,
            "space": {"x": {"type": "float", "low": 0, "high": 1}}})
    return b


def finish(b):
    """The TypeScript loop of a process: ask, run, tell, until the study has no trial for it."""
    while True:
        trials = b.ask({"n": 1})["trials"]
        if not trials:
            return
        b.tell({"results": [{"number": t["number"], "state": "complete", "values": [0.5]} for t in trials]})


def process_a(b):
    who.name = "A"
    first = b.ask({"n": 1})["trials"]
    b_checked.wait(HOLD)
    second = b.ask({"n": 1})["trials"]
    a_asked.set()
    b_withdrawing.wait(HOLD)
    b.tell({"results": [{"number": t["number"], "state": "complete", "values": [None]} for t in first]
            + [{"number": t["number"], "state": "complete", "values": [0.5]} for t in second]})
    finish(b)
    a_stopped.set()


def process_b(b):
    who.name = "B"
    finish(b)


a, b = bridge(1), bridge(2)  # each process samples with its own seed, as optimize gives them
threads = [threading.Thread(target=process_a, args=(a,)), threading.Thread(target=process_b, args=(b,))]
for t in threads:
    t.start()
for t in threads:
    t.join()
kept = [t.number for t in optuna.load_study(study_name=STUDY, storage=URL).trials if t.state != TrialState.FAIL]
print(json.dumps({"counted": len(kept), "numbers": kept}))

"""Two processes (threads here, each its own Bridge and storage connection) asking one shared
Optuna study of 2 trials at once:

  A asks #0; B finds 1 of 2 trials and goes on to add one; meanwhile A asks again (#1); B adds #2.

Without a lock the study ends with three trials. A hook on Optuna's Study.ask holds B between its
count and its ask for at most a second: with the lock, A cannot ask meanwhile, the hold runs out,
and A's second ask finds the study full.

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
if "--no-lock" in sys.argv:  # the control: the same schedule without the lock must overrun
    optuna_bridge.ask_lock = lambda _storage, _study: optuna_bridge.NoLock()
optuna.logging.set_verbosity(optuna.logging.ERROR)

HOLD = 1.0
b_counted = threading.Event()  # B counted the study and is about to ask
a_asked = threading.Event()  # A's second ask returned
who = threading.local()
real_ask = optuna.study.Study.ask


def ask(self, *args, **kwargs):
    if getattr(who, "name", "") == "B" and not b_counted.is_set():
        b_counted.set()
        a_asked.wait(HOLD)
    return real_ask(self, *args, **kwargs)


optuna.study.Study.ask = ask


def bridge(seed):
    b = optuna_bridge.Bridge()
    b.init({"sampler": "random", "directions": ["maximize"], "seed": seed, "storage": URL, "study": STUDY, "n_trials": 2,
            "space": {"x": {"type": "float", "low": 0, "high": 1}}})
    return b


def run(b, trials):
    b.tell({"results": [{"number": t["number"], "state": "complete", "values": [0.5]} for t in trials]})


def process_a(b):
    who.name = "A"
    first = b.ask({"n": 1})["trials"]
    b_counted.wait(HOLD)
    second = b.ask({"n": 1})["trials"]
    a_asked.set()
    run(b, first + second)


def process_b(b):
    who.name = "B"
    run(b, b.ask({"n": 1})["trials"])


a, b = bridge(1), bridge(2)  # each process samples with its own seed, as optimize gives them
threads = [threading.Thread(target=process_a, args=(a,)), threading.Thread(target=process_b, args=(b,))]
for t in threads:
    t.start()
for t in threads:
    t.join()
kept = [t.number for t in optuna.load_study(study_name=STUDY, storage=URL).trials if t.state != TrialState.FAIL]
print(json.dumps({"counted": len(kept), "numbers": kept}))

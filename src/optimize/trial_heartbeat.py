"""Heartbeats on the RUNNING trials of a shared Optuna study (trial_ledger.py, optuna_bridge.py).

A process renews user attr "beat" (wall time) on each trial it holds every few seconds; a
RUNNING trial whose beat is older than the grace period belongs to a process that died, and
`fail_stale` fails it (attr "stale") so that its trial runs again: a study resumes after a crash.
Our own heartbeat: Optuna 3.1's stale check compares the database's transaction time with
heartbeats written after it began, and calls them stale.
"""
import threading
import time

from optuna.trial import TrialState


class Heartbeat:
    def __init__(self, storage, every):
        self.storage = storage
        self.held = set()  # trial ids this process runs
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        threading.Thread(target=self.run, args=(max(0.5, float(every)),), daemon=True).start()

    def hold(self, trial_id):
        """Beats on `trial_id` from now on (its first beat written here)."""
        self.storage.set_trial_user_attr(trial_id, "beat", time.time())
        with self.lock:
            self.held.add(trial_id)

    def drop(self, trial_id):
        with self.lock:
            self.held.discard(trial_id)

    def close(self):
        """No more beats (the process serves another study next)."""
        self.stopped.set()

    def run(self, every):
        while not self.stopped.wait(every):
            with self.lock:
                held = list(self.held)
            for trial_id in held:
                try:
                    self.storage.set_trial_user_attr(trial_id, "beat", time.time())
                except Exception:  # finished meanwhile
                    pass


def fail_stale(storage, study_id, grace):
    """Fails the study's RUNNING trials whose last beat is older than `grace` seconds.

    A trial not yet beaten on counts from its start: a process that died between creating a
    trial and its first beat leaves one so.
    """
    now = time.time()
    for t in storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,)):
        last = t.user_attrs.get("beat")
        if now - (float(last) if last is not None else t.datetime_start.timestamp()) <= grace:
            continue
        try:
            storage.set_trial_user_attr(t._trial_id, "stale", True)
            storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
        except Exception:  # finished, or another process failed it first
            pass

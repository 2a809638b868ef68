"""Heartbeats on the RUNNING trials of a shared Optuna study (trial_ledger.py, optuna_bridge.py).

A process renews user attr "beat" on each trial it holds every few seconds; a RUNNING trial
whose beat a watching process has seen unchanged for the grace period, by the watcher's own
monotonic clock, belongs to a process that died, and `StaleWatch.fail_stale` fails it (attr
"stale") so that its trial runs again: a study resumes after a crash. No two clocks are
compared, so machines whose clocks or time zones differ share a study safely (comparing a beat's
wall time with the reader's failed live trials on a machine more than the grace behind, and
Optuna's start time of a trial not yet beaten is naive local time). Our own heartbeat: Optuna
3.1's stale check compares the database's transaction time with heartbeats written after it
began, and calls them stale.
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


class StaleWatch:
    """Fails the RUNNING trials whose beat stayed the same for `grace` seconds of this process's watch.

    A trial is timed from when this process first saw its current beat (a trial not yet beaten
    on: from when it first saw it so), so a process that just started fails a dead process's
    trial `grace` seconds after its first look, not at once.
    """

    def __init__(self, grace):
        self.grace = float(grace)
        self.seen = {}  # trial id -> (beat, monotonic time this process first saw that beat)

    def fail_stale(self, storage, study_id):
        now = time.monotonic()
        seen = {}
        for t in storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,)):
            beat = t.user_attrs.get("beat")
            before = self.seen.get(t._trial_id)
            since = before[1] if before is not None and before[0] == beat else now
            if now - since <= self.grace:
                seen[t._trial_id] = (beat, since)
                continue
            try:
                storage.set_trial_user_attr(t._trial_id, "stale", True)
                storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
            except Exception:  # finished, or another process failed it first
                pass
        self.seen = seen  # trials no longer running are forgotten

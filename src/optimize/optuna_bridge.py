#!/usr/bin/env python3
"""Lockstep <-> Optuna bridge: an ask/tell protocol over stdin/stdout, one JSON object per line.

Requests (each answered by exactly one line; errors answer {"ok": false, "error": "..."}):
  {"op": "init", "sampler": "tpe|cmaes|nsga2|random", "directions": [...], "space": {...},
   "seed": int, "storage": url|null, "study": name, "n_trials": int, "prune": bool, "heartbeat": s?, "grace": s?}
                                    (forgets any earlier study: one process may serve several in turn; on a
                                    storage, a trial whose process stopped beating for `grace` s is failed)
  {"op": "ask", "n": k}             -> {"ok": true, "trials": [{"number": n, "params": {...}, "duplicate_of": m?}]}
                                       (fewer than k, or none, once the study holds n_trials; duplicate_of:
                                       the sampler kept proposing evaluated points, trial m of any process has these)
  {"op": "tell", "results": [{"number": n, "state": "complete|pruned|fail", "values": [...], "counts": false?}]}
                                    (a failed or infeasible trial, or one whose value is NaN, is FAIL in Optuna
                                    and counts towards n_trials, as a trial that ran; with counts false, a
                                    proposal that broke the space's constraints, it does not)
                                    -> {"ok": true, "late": [{"number": n, "kept": m|null}]?}: trials another
                                       process failed as stale meanwhile, kept as new trial m or dropped
  {"op": "report", "number": n, "step": s, "value": v}  -> {"ok": true, "prune": bool}
  {"op": "record", "number": n}    -> {"ok": true, "record": {...}|null, "state": name} (a finished trial's record)
  {"op": "records"}                 -> {"ok": true, "records": [...], "done": bool, "short": bool} (the "record" every
                                       finished trial was told with; done once the study holds n_trials and none is
                                       running; short when none is running but trials are missing: ask again)
  {"op": "close"}
stdout carries only protocol lines; Optuna's logging goes to stderr.
"""
import json
import sys
import time


try:
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
    from optuna.trial import TrialState
except ImportError as e:  # reported by the TypeScript side with the install command
    print(json.dumps({"ok": False, "error": f"missing Python module: {e.name}", "missing": e.name}), flush=True)
    sys.exit(3)

from json_lines import serve  # beside this script (src/optimize/, or dist/bundle/); after the Optuna check, which answers first
from ask_lock import NoLock, ask_lock
from trial_heartbeat import Heartbeat, StaleWatch

optuna.logging.set_verbosity(optuna.logging.WARNING)

# User attr of a FAIL trial that ran (its outcome: failed, infeasible or unscored): such a trial counts (Bridge.counted).
OUTCOME = "lockstep_outcome"


def distribution(spec):
    t = spec["type"]
    if t == "int":
        return IntDistribution(int(spec["low"]), int(spec["high"]), step=int(spec.get("step") or 1), log=bool(spec.get("log")))
    if t == "float":
        step = spec.get("step")
        return FloatDistribution(float(spec["low"]), float(spec["high"]), step=float(step) if step and not spec.get("log") else None, log=bool(spec.get("log")))
    return CategoricalDistribution(list(spec["choices"]))


class Bridge:
    def __init__(self):
        self.study = None
        self.space = {}
        self.live = {}  # number -> Trial (asked here, not yet told)
        self.n_trials = None
        self.prune = False
        self.lock = NoLock()
        self.heartbeat = None  # on a storage: beats on the trials asked here until told (trial_heartbeat.py)
        self.stale = None  # on a storage: fails other processes' trials whose beats stopped (trial_heartbeat.py)

    def init(self, req):
        # A fresh start: a process kept for reuse (PythonChild.take) serves one study after another.
        self.lock.close()
        if self.heartbeat is not None:
            self.heartbeat.close()
        self.__init__()
        seed = req.get("seed")
        name = req["sampler"]
        directions = req["directions"]
        if name == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=req.get("storage") is not None)
        elif name == "cmaes":
            sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
        elif name == "nsga2":
            sampler = optuna.samplers.NSGAIISampler(seed=seed)
        elif name == "random":
            sampler = optuna.samplers.RandomSampler(seed=seed)
        else:
            raise ValueError(f"unknown sampler {name}")
        self.prune = bool(req.get("prune")) and len(directions) == 1
        pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2) if self.prune else optuna.pruners.NopPruner()
        self.space = {k: distribution(v) for k, v in req["space"].items()}
        self.n_trials = req.get("n_trials")
        # Several processes opening a new database at once race to create Optuna's tables:
        # the loser sees an integrity error and simply tries again.
        for attempt in range(10):
            try:
                self.study = optuna.create_study(study_name=req["study"], storage=req.get("storage"), sampler=sampler, pruner=pruner,
                                                 directions=directions, load_if_exists=True)
                break
            except Exception as e:  # sqlalchemy IntegrityError / OperationalError during schema creation
                if attempt == 9 or req.get("storage") is None:
                    raise
                print(f"create_study attempt {attempt + 1} failed ({type(e).__name__}); retrying", file=sys.stderr)
                time.sleep(0.2 * (attempt + 1))
        self.lock = ask_lock(req.get("storage"), req["study"])
        if req.get("storage") is not None:
            self.heartbeat = Heartbeat(self.study._storage, req.get("heartbeat", 2))
            self.stale = StaleWatch(req.get("grace", 10))
        return {"optuna": optuna.__version__, "existing": len(self.study.get_trials(deepcopy=False))}

    def counted(self, trials=None):
        """The study's trials that count towards n_trials: all but the FAIL ones with no outcome.

        A trial that ran and failed, was infeasible or scored NaN is FAIL with its outcome noted (tell)
        and counts, as in Optuna's own optimize: otherwise a study whose sampler keeps proposing a failing
        point, or where every point fails, asks for ever. A withdrawn duplicate ask or a dead process's
        trial (stale) is FAIL with no outcome and is asked again.
        """
        if trials is None:
            trials = self.study.get_trials(deepcopy=False)
        return [t for t in trials if t.state != TrialState.FAIL or OUTCOME in t.user_attrs]

    def duplicate(self, trial):
        """The earliest live or finished trial (of any process) numbered before this one with these params, or None.

        Finished: complete, pruned, or failed after it ran (a failing point is not run again by another
        process: its failure is reused, as one process reuses its own); a withdrawn ask is not one.

        Only earlier trials: a trial waits for the result of a lower-numbered one, never the reverse, so two
        processes that asked the same point at the same moment cannot end up waiting for each other.
        """
        earlier = self.earlier_trials(trial)
        for t in earlier:
            if t.params == trial.params:
                return t
        return None

    def earlier_trials(self, trial):
        """Live or finished trials numbered before this one (failed ones that ran: see duplicate), once each has all its params.

        Optuna writes a new trial first and its params one by one after it. Under the ask lock another
        process's trial is whole by the time this one is asked, but one whose process died mid-ask lacks
        some (until it is failed as stale): waits for them, up to a second, then takes the trials as they are.
        """
        states = (TrialState.COMPLETE, TrialState.RUNNING, TrialState.PRUNED, TrialState.FAIL)
        for _ in range(50):
            earlier = [t for t in self.study.get_trials(deepcopy=False, states=states)
                       if t.number < trial.number and (t.state != TrialState.FAIL or OUTCOME in t.user_attrs)]
            if all(len(t.params) >= len(trial.params) for t in earlier):
                break
            time.sleep(0.02)
        return earlier

    def ask(self, req):
        out = []
        for _ in range(int(req["n"])):
            with self.lock:  # one process at a time counts the study and adds to it (ask_lock.py)
                asked = self.ask_one()
            if asked is None:
                break
            trial, first = asked
            self.live[trial.number] = trial
            out.append({"number": trial.number, "params": trial.params, **({"duplicate_of": first.number} if first is not None else {})})
        return {"trials": out}

    def ask_one(self):
        """A new trial and the earlier trial with its point (or None); None once the study holds n_trials.

        Taken under the lock, the count is exact: no other process adds a trial between it and the ask.
        """
        self.fail_stale()  # a trial whose process died counts no more: it is asked again
        if self.n_trials is not None and len(self.counted()) >= self.n_trials:
            return None
        for attempt in range(20):
            cand = self.study.ask(self.space)
            first = self.duplicate(cand)
            # Never evaluate the same parameters twice: withdraw and ask again; when the sampler keeps
            # proposing evaluated points, the trial reuses the first one's result (duplicate_of).
            if first is None or attempt == 19:
                if self.heartbeat is not None:
                    self.heartbeat.hold(cand._trial_id)
                return cand, first
            self.study.tell(cand, state=TrialState.FAIL)

    def fail_stale(self):
        """Fails the running trials of processes that died (their heartbeat stopped; trial_heartbeat.py)."""
        if self.stale is not None:
            self.stale.fail_stale(self.study._storage, self.study._study_id)

    def tell(self, req):
        late = []
        for r in req["results"]:
            trial = self.live.pop(r["number"])
            if self.heartbeat is not None:
                self.heartbeat.drop(trial._trial_id)
            try:
                self.finish(trial, r)
            except (RuntimeError, ValueError):  # "has already finished": another process failed it as stale
                if not self.failed_elsewhere(trial):
                    raise
                late.append(self.salvage(trial, r))
        return {"late": late} if late else {}

    def failed_elsewhere(self, trial):
        """True when the stored trial has finished: another process failed this one's running trial as stale.

        Optuna's cached storage never reads this process's own running trials again (its copy still says
        RUNNING, and the failed tell may have half-written it), so the stored trial is read past the cache
        and replaces the cached copy: this process then counts it as the other processes do.
        """
        storage = self.study._storage
        backend = getattr(storage, "_backend", storage)
        stored = backend.get_trial(trial._trial_id)
        if not stored.state.is_finished():
            return False
        if hasattr(storage, "_add_trials_to_cache"):
            with storage._lock:
                storage._add_trials_to_cache(self.study._study_id, [stored])
        return True

    @staticmethod
    def outcome(r):
        """The Optuna state, values and outcome attr (None: none) of a result as the TypeScript side tells it."""
        state = r["state"]
        if state == "complete":
            vals = [float("nan") if v is None else float(v) for v in r["values"]]
            if any(v != v for v in vals):  # NaN objective: the trial failed to score
                return TrialState.FAIL, None, "unscored"
            return TrialState.COMPLETE, vals, None
        if state == "pruned":
            return TrialState.PRUNED, None, None
        # failed or infeasible: it ran, so it counts (see counted), unless its params break the space's constraints
        return TrialState.FAIL, None, state if r.get("counts", True) else None

    def finish(self, trial, r):
        if r.get("record") is not None:  # for the other processes of a shared study
            trial.set_user_attr("record", r["record"])
        state, values, outcome = self.outcome(r)
        if outcome is not None:
            trial.set_user_attr(OUTCOME, outcome)
        if state == TrialState.COMPLETE:
            self.study.tell(trial, values if len(values) > 1 else values[0])
        else:
            self.study.tell(trial, state=state)

    def salvage(self, trial, r):
        """A result of a trial another process failed as stale while this one ran it (a pause past the grace period).

        Kept as a new finished trial when the study still has room for it (nobody asked again in its place
        yet), else dropped: the trial asked in its place runs the same point or another one.
        """
        state, values, outcome = self.outcome(r)
        attrs = {k: v for k, v in (("record", r.get("record")), (OUTCOME, outcome)) if v is not None}
        with self.lock:
            if self.n_trials is not None and len(self.counted()) >= self.n_trials:
                return {"number": r["number"], "kept": None}
            done = optuna.trial.create_trial(state=state, params=trial.params, distributions=trial.distributions,
                                             values=values, user_attrs=attrs)
            storage = self.study._storage
            kept = storage.get_trial_number_from_id(storage.create_new_trial(self.study._study_id, template_trial=done))
        return {"number": r["number"], "kept": kept}

    def record(self, req):
        """The record of trial `number` once it finished (None while it runs in some process; a dead one's fails)."""
        self.fail_stale()
        t = self.study._storage.get_trial(self.study._storage.get_trial_id_from_study_id_trial_number(self.study._study_id, int(req["number"])))
        return {"record": t.user_attrs.get("record") if t.state != TrialState.RUNNING else None, "state": t.state.name}

    def records(self, _req):
        self.fail_stale()
        done = (TrialState.COMPLETE, TrialState.FAIL, TrialState.PRUNED)
        trials = self.study.get_trials(deepcopy=False)
        running = any(t.state == TrialState.RUNNING for t in trials)
        short = self.n_trials is not None and len(self.counted(trials)) < self.n_trials
        return {"records": [t.user_attrs["record"] for t in trials if t.state in done and "record" in t.user_attrs],
                "done": not running and not short, "short": not running and short}

    def report(self, req):
        trial = self.live[req["number"]]
        v = req["value"]
        if v is None or v != v:
            return {"prune": False}
        trial.report(float(v), int(req["step"]))
        return {"prune": bool(self.prune and trial.should_prune())}


if __name__ == "__main__":
    serve(Bridge())

#!/usr/bin/env python3
"""Lockstep's shared trial ledger on an Optuna storage: processes on several machines claim,
run and record the trials of one study whose proposals they all compute the same way
(grid, random and genetic samplers with one seed). JSON lines over stdin/stdout.

A claim is an Optuna trial created RUNNING with user attrs "n" (Lockstep's trial number),
"by" (host:pid) and "beat" (wall time, written when claimed and renewed every heartbeat while it runs;
a claim whose beat a process saw unchanged for the grace period is stale: trial_heartbeat.py);
the claim of n with the lowest Optuna number wins, later ones are withdrawn (FAIL, attr
"lost"). A finished trial is COMPLETE (finite values) or FAIL with attr "result". Claims
of a process that died stop their heartbeat and are failed (attr "stale") after the grace period, so n
can be claimed again: a study resumes after a crash.

Requests (each answered by one line; errors {"ok": false, "error": "..."}):
  {"op": "open", "storage": url, "study": name, "directions": [...], "trials": T, "identity": {...},
   "heartbeat": s, "grace": s}                     -> {"finished": k}
  {"op": "claim", "below": m}    -> {"n": n, "ticket": id} or {"n": null} (every n < min(m, T) taken)
  {"op": "finish", "ticket": id, "values": [...]|null, "result": {...}}
                                 -> {} or {"late": {"n": n, "kept": bool}} (the claim was failed as stale
                                    meanwhile: its result kept unless n was claimed again)
  {"op": "results", "numbers": [n...]}              -> {"results": {n: result}} (finished ones)
  {"op": "status"}                                  -> {"finished": k, "running": r}
  {"op": "close"}
"""
import json
import os
import socket
import sys
import time


try:
    import optuna
    from optuna.trial import TrialState, create_trial
except ImportError as e:
    print(json.dumps({"ok": False, "error": f"missing Python module: {e.name}", "missing": e.name}), flush=True)
    sys.exit(3)

from json_lines import serve  # beside this script (src/optimize/, or dist/bundle/); after the Optuna check, which answers first
from trial_heartbeat import Heartbeat, StaleWatch

optuna.logging.set_verbosity(optuna.logging.WARNING)
WHO = f"{socket.gethostname()}:{os.getppid()}"  # the Lockstep process (this script's parent) that ran a trial


class Ledger:
    def __init__(self):
        self.storage = None
        self.study_id = None
        self.trials = 0
        self.heartbeat = None  # beats on the claims this process holds

    def open(self, req):
        for attempt in range(10):  # processes creating the schema at once: the loser retries
            try:
                self.storage = optuna.storages.RDBStorage(req["storage"])
                study = optuna.create_study(study_name=req["study"], storage=self.storage, directions=req["directions"], load_if_exists=True)
                break
            except Exception as e:
                if attempt == 9:
                    raise
                print(f"create_study attempt {attempt + 1} failed ({type(e).__name__}); retrying", file=sys.stderr)
                time.sleep(0.2 * (attempt + 1))
        self.study_id = study._study_id
        identity = json.dumps(req["identity"], sort_keys=True)
        held = study.user_attrs.get("lockstep")
        if held is None:
            study.set_user_attr("lockstep", identity)
        elif held != identity:
            raise ValueError(f"study {req['study']} on this storage holds other settings (a different strategy, space, sampler, seed or data): choose another --study name")
        self.trials = int(req["trials"])
        self.stale = StaleWatch(req.get("grace", 10))
        if self.heartbeat is not None:
            self.heartbeat.close()
        self.heartbeat = Heartbeat(self.storage, req.get("heartbeat", 2))
        return {"finished": len(self.finished())}

    def all(self):
        self.stale.fail_stale(self.storage, self.study_id)
        return self.storage.get_all_trials(self.study_id, deepcopy=False)

    @staticmethod
    def is_finished(t):
        return "n" in t.user_attrs and (t.state == TrialState.COMPLETE or (t.state == TrialState.FAIL and "result" in t.user_attrs))

    def finished(self):
        return {t.user_attrs["n"]: t for t in self.all() if self.is_finished(t)}

    def claim(self, req):
        below = min(int(req.get("below", self.trials)), self.trials)
        for _ in range(50):
            trials = self.all()
            taken = {t.user_attrs["n"] for t in trials if "n" in t.user_attrs and (t.state == TrialState.RUNNING or self.is_finished(t))}
            free = [n for n in range(below) if n not in taken]
            if not free:
                return {"n": None}
            n = free[0]
            template = create_trial(state=TrialState.RUNNING, user_attrs={"n": n, "by": WHO}, params={}, distributions={})
            ticket = self.storage.create_new_trial(self.study_id, template_trial=template)
            self.heartbeat.hold(ticket)
            rivals = [t for t in self.storage.get_all_trials(self.study_id, deepcopy=False)
                      if t.user_attrs.get("n") == n and (t.state == TrialState.RUNNING or self.is_finished(t))]
            if min(t._trial_id for t in rivals) == ticket:
                return {"n": n, "ticket": ticket}
            self.withdraw(ticket)  # someone else claimed n first: try the next free number
        raise RuntimeError("could not claim a trial after 50 attempts")

    def withdraw(self, ticket):
        self.heartbeat.drop(ticket)
        self.storage.set_trial_user_attr(ticket, "lost", True)
        self.storage.set_trial_state_values(ticket, TrialState.FAIL)

    def finish(self, req):
        ticket = int(req["ticket"])
        self.heartbeat.drop(ticket)
        values = req.get("values")
        values = [float(v) for v in values] if values and all(v is not None for v in values) else None
        try:
            self.storage.set_trial_user_attr(ticket, "result", req["result"])
            self.storage.set_trial_state_values(ticket, TrialState.COMPLETE if values else TrialState.FAIL, values)
        except (RuntimeError, ValueError):  # "has already finished": another process failed the claim as stale
            if self.storage.get_trial(ticket).state == TrialState.RUNNING:
                raise
            return {"late": self.salvage(ticket, values, req["result"])}
        return {}

    def salvage(self, ticket, values, result):
        """The result of a claim another process failed as stale while this one ran it (a pause past the grace
        period): kept as a finished trial of its number unless a claim of that number runs or finished since."""
        n = self.storage.get_trial(ticket).user_attrs["n"]
        if any(t.user_attrs.get("n") == n and (t.state == TrialState.RUNNING or self.is_finished(t)) for t in self.all()):
            return {"n": n, "kept": False}
        done = create_trial(state=TrialState.COMPLETE if values else TrialState.FAIL, values=values,
                            user_attrs={"n": n, "by": WHO, "result": result}, params={}, distributions={})
        self.storage.create_new_trial(self.study_id, template_trial=done)
        return {"n": n, "kept": True}

    def results(self, req):
        done = self.finished()
        return {"results": {str(n): done[n].user_attrs["result"] for n in req["numbers"] if n in done}}

    def status(self, _req):
        trials = self.all()
        return {"finished": sum(1 for t in trials if self.is_finished(t)), "running": sum(1 for t in trials if t.state == TrialState.RUNNING)}


if __name__ == "__main__":
    serve(Ledger())

"""The request loop both Python children of Lockstep share (optuna_bridge.py, trial_ledger.py):
one JSON request per stdin line, {"op": name, ...} calling handler.<name>(request), answered
by exactly one line {"ok": true, ...result} or {"ok": false, "error": "..."}; "close" ends it.
stdout carries only these lines; tracebacks go to stderr."""
import json
import sys
import traceback


def serve(handler):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if req["op"] == "close":
                print(json.dumps({"ok": True}), flush=True)
                return
            res = getattr(handler, req["op"])(req)
            print(json.dumps({"ok": True, **res}, allow_nan=False), flush=True)
        except Exception as e:  # one line back, the TypeScript side raises it
            traceback.print_exc(file=sys.stderr)
            print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}), flush=True)

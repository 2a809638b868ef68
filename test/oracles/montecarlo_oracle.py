"""Independent path statistics for Lockstep's Monte Carlo (numpy), given the same draws.

Reads {"initial": E0, "ruinFraction": f, "pnls": [...], "orders": [[...], ...],
"returns": [...], "blockLength": L, "starts": [[...], ...]} as JSON on stdin. Builds each
path from the draws, then prints per method the quantiles (numpy's linear percentiles) of
final equity, max drawdown and longest drawdown (steps from a peak to the first point back
at or above it, or to the end), the ruin share and the fan's percentiles.
"""
import json, sys
import numpy as np

d = json.load(sys.stdin)
e0, ruin = d["initial"], d["initial"] * d["ruinFraction"]


def longest_drawdown(p):
    best, peak_at = 0, 0
    for i in range(1, len(p)):
        if p[i] >= p[peak_at]:
            if i - peak_at > 1:
                best = max(best, i - peak_at)
            peak_at = i
    return max(best, len(p) - 1 - peak_at)


def summarize(paths):
    paths = np.asarray(paths)
    final = paths[:, -1]
    mdd = (1 - paths / np.maximum.accumulate(paths, axis=1)).max(axis=1)
    longest = np.array([longest_drawdown(p) for p in paths], dtype=float)
    q = lambda x: {"p5": np.percentile(x, 5), "p25": np.percentile(x, 25), "p50": np.percentile(x, 50),
                   "p75": np.percentile(x, 75), "p95": np.percentile(x, 95), "mean": float(np.mean(x))}
    steps = paths.shape[1] - 1
    k = min(200, steps + 1)
    at = [round(i * steps / max(1, k - 1)) for i in range(k)]
    return {"finalEquity": q(final), "maxDrawdown": q(mdd), "longestDrawdown": q(longest),
            "ruinProbability": float(np.mean((paths <= ruin).any(axis=1))), "fanStep": at,
            "fanP50": [float(np.percentile(paths[:, s], 50)) for s in at], "fanP5": [float(np.percentile(paths[:, s], 5)) for s in at]}


pnls = np.asarray(d["pnls"])
shuffled = [np.concatenate([[e0], e0 + np.cumsum(pnls[np.asarray(o)])]) for o in d["orders"]]
r, L = np.asarray(d["returns"]), d["blockLength"]
n = len(r)
boot = []
for starts in d["starts"]:
    p = [e0]
    for i in range(n):  # compounded step by step, as a run's equity is (a cumprod rounds differently, and ties with a peak matter)
        p.append(p[-1] * (1 + r[(starts[i // L] + i % L) % n]))
    boot.append(np.asarray(p))
print(json.dumps({"shuffle": summarize(shuffled), "bootstrap": summarize(boot)}, default=float))

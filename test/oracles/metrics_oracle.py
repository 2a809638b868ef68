"""Independent implementation of Lockstep's core metrics (Python stdlib only).

Reads {"ts": [...µs], "equity": [...], "gross": [...], "pnls": [...], "ppy": number|null}
as JSON on stdin and prints the metrics as JSON. Definitions follow empyrical:
simple returns, sample std (ddof=1), Sortino downside deviation over all periods.
"""
import json, math, statistics, sys

d = json.load(sys.stdin)
eq, ts, pnls = d["equity"], d["ts"], d["pnls"]
ppy = d["ppy"] or (len(ts) - 1) / ((ts[-1] - ts[0]) / (365.25 * 86400e6))
r = [eq[i] / eq[i - 1] - 1 for i in range(1, len(eq))]
n = len(r)
sd = statistics.stdev(r)
downside = math.sqrt(sum(min(x, 0) ** 2 for x in r) / n)
peak, mdd = eq[0], 0.0
for v in eq:
    peak = max(peak, v)
    mdd = max(mdd, 1 - v / peak)
wins = [p for p in pnls if p > 0]
losses = [p for p in pnls if p < 0]
print(json.dumps({
    "totalReturn": eq[-1] / eq[0] - 1,
    "cagr": (eq[-1] / eq[0]) ** (ppy / n) - 1,
    "volatility": sd * math.sqrt(ppy),
    "sharpe": statistics.fmean(r) / sd * math.sqrt(ppy),
    "sortino": statistics.fmean(r) / downside * math.sqrt(ppy),
    "maxDrawdown": mdd,
    "trades": len(pnls),
    "winRate": len(wins) / len(pnls),
    "profitFactor": sum(wins) / -sum(losses),
    "exposure": sum(1 for g in d["gross"] if g > 0) / len(d["gross"]),
    "periodsPerYear": ppy,
}))

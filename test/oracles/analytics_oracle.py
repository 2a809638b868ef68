"""Independent reference values for Lockstep's analytics, with numpy / pandas / scipy.

Reads JSON on stdin: {"equity": [...], "benchmark": [...] (returns, len = len(equity)-1),
"pnls": [...], "trials": [[...], ...], "blocks": S, "ppy": P, "notional": X,
"cutoff": c, "srTrials": N}. Prints a JSON object of named values. Formulas are written
from empyrical/pyfolio and the cited papers, not from Lockstep's code.
"""
import itertools, json, math, sys
import numpy as np
import pandas as pd
from scipy import stats

d = json.load(sys.stdin)
eq = pd.Series(d["equity"], dtype=float)
r = eq.pct_change().dropna().to_numpy()
b = np.asarray(d["benchmark"], dtype=float)
pnl = np.asarray(d["pnls"], dtype=float)
ppy, cutoff = d["ppy"], d["cutoff"]
out = {}

out["logReturnsSum"] = float(np.log(eq / eq.shift(1)).dropna().sum())
years = len(r) / ppy
cagr = (eq.iloc[-1] / eq.iloc[0]) ** (1 / years) - 1
peak = eq.cummax()
uw = eq / peak - 1
mdd = -uw.min()
out["underwaterMin"] = float(uw.min())
out["calmar"] = float(cagr / mdd)
thr = 0.0
out["omega"] = float(np.sum(np.clip(r - thr, 0, None)) / -np.sum(np.clip(r - thr, None, 0)))
# drawdown duration: longest peak → recovery (or end) in periods
best, peak_v, peak_i = 0, -np.inf, -1
for i, v in enumerate(eq):
    if v >= peak_v:
        if peak_i >= 0 and i - peak_i > 1:
            best = max(best, i - peak_i)
        peak_v, peak_i = v, i
if peak_i < len(eq) - 1:
    best = max(best, len(eq) - 1 - peak_i)
out["ddDuration"] = best
out["varHist"] = float(np.percentile(r, 100 * cutoff))
out["varParam"] = float(stats.norm.ppf(cutoff, r.mean(), r.std(ddof=1)))
k = int((len(r) - 1) * cutoff)
out["cvarHist"] = float(np.mean(np.partition(r, k)[: k + 1]))
z = stats.norm.ppf(cutoff)
out["cvarParam"] = float(r.mean() - r.std(ddof=1) * stats.norm.pdf(z) / cutoff)
out["skew"] = float(stats.skew(r))
out["kurtosis"] = float(stats.kurtosis(r))
out["tailRatio"] = float(abs(np.percentile(r, 95)) / abs(np.percentile(r, 5)))
cum = np.cumsum(np.log1p(r))
out["stability"] = float(stats.linregress(np.arange(len(cum)), cum).rvalue ** 2)
beta = np.cov(r, b, ddof=0)[0, 1] / np.var(b)
out["beta"] = float(beta)
out["alpha"] = float((np.mean(r - beta * b) + 1) ** ppy - 1)
# Relative to the benchmark (empyrical's tracking error / information ratio / capture definitions).
active = r - b
out["trackingError"] = float(np.std(active, ddof=1) * math.sqrt(ppy))
out["informationRatio"] = float(np.mean(active) / np.std(active, ddof=1) * math.sqrt(ppy))
def annual_return(x):
    return float(np.prod(1 + x) ** (ppy / len(x)) - 1)
out["upCapture"] = annual_return(r[b > 0]) / annual_return(b[b > 0])
out["downCapture"] = annual_return(r[b < 0]) / annual_return(b[b < 0])

# Worst drawdowns as pyfolio's gen_drawdown_table: repeatedly take the deepest point of the
# underwater curve, its peak (last 0 before it) and recovery (first 0 after it), then cut
# that stretch out and search again.
uw_left = (eq / eq.cummax() - 1).to_numpy().copy()
alive = np.ones(len(uw_left), dtype=bool)
table = []
for _ in range(5):
    if not np.any(alive & (uw_left < 0)):
        break
    trough = int(np.argmin(np.where(alive, uw_left, 0.0)))
    peak = int(np.where(uw_left[:trough] == 0)[0][-1])
    after = np.where(uw_left[trough:] == 0)[0]
    recovery = int(trough + after[0]) if len(after) else -1
    table.append([peak, trough, recovery, float(-uw_left[trough]), (recovery if recovery >= 0 else len(uw_left) - 1) - peak])
    alive[peak:(recovery if recovery >= 0 else len(uw_left))] = False
out["worstDrawdowns"] = table
if "ts" in d:
    s_eq = pd.Series(d["equity"], index=pd.to_datetime(np.asarray(d["ts"], dtype=np.int64) // 1000, unit="ms"))
    year_end = s_eq.groupby(s_eq.index.year).last()
    prev = pd.concat([pd.Series([s_eq.iloc[0]]), year_end.iloc[:-1]]).to_numpy()
    out["yearly"] = [[int(y), float(v)] for y, v in zip(year_end.index, year_end.to_numpy() / prev - 1)]
out["turnover"] = float(d["notional"] / eq.mean() * ppy / len(r))
wins, losses = pnl[pnl > 0], pnl[pnl < 0]
out["expectancy"] = float(pnl.mean())
out["avgWin"] = float(wins.mean())
out["avgLoss"] = float(losses.mean())
out["largestWin"] = float(pnl.max())
out["largestLoss"] = float(pnl.min())
runs = [len(list(g)) for neg, g in itertools.groupby(pnl < 0) if neg]
out["maxConsecutiveLosses"] = max(runs) if runs else 0
out["sqn"] = float(math.sqrt(len(pnl)) * pnl.mean() / pnl.std(ddof=1))
W = len(wins) / len(pnl)
R = wins.mean() / -losses.mean()
out["kelly"] = float(W - (1 - W) / R)
# Probabilistic and deflated Sharpe (Bailey & Lopez de Prado)
sr = r.mean() / r.std(ddof=1)
g3, g4 = stats.skew(r), stats.kurtosis(r, fisher=False)
def psr(sr_star):
    return float(stats.norm.cdf((sr - sr_star) * math.sqrt(len(r) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr ** 2)))
out["psr0"] = psr(0.0)
out["psr005"] = psr(0.05)
N, V = d["srTrials"], d["srVariance"]
emc = 0.5772156649015329
sr0 = math.sqrt(V) * ((1 - emc) * stats.norm.ppf(1 - 1 / N) + emc * stats.norm.ppf(1 - 1 / (N * math.e)))
out["expectedMaxSharpe"] = float(sr0)
out["dsr"] = psr(sr0)
# CSCV probability of backtest overfitting
M = np.asarray(d["trials"], dtype=float).T  # T x N
S = d["blocks"]
size = M.shape[0] // S
blocks = [M[i * size:(i + 1) * size] for i in range(S)]
def sharpe_cols(X):
    return X.mean(axis=0) / X.std(axis=0, ddof=1)
lam = []
for train in itertools.combinations(range(S), S // 2):
    IS = np.vstack([blocks[i] for i in train])
    OOS = np.vstack([blocks[i] for i in range(S) if i not in train])
    n_star = int(np.argmax(sharpe_cols(IS)))
    ranks = stats.rankdata(sharpe_cols(OOS))
    w = ranks[n_star] / (M.shape[1] + 1)
    lam.append(math.log(w / (1 - w)))
out["pbo"] = float(np.mean(np.asarray(lam) <= 0))
out["pboSplits"] = len(lam)
out["pboLogitMean"] = float(np.mean(lam))
print(json.dumps(out))

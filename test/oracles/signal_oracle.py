"""Alphalens-style signal statistics with scipy/pandas, for one instrument's time series.

Reads {"signal": [...], "prices": [...], "horizons": [...], "q": Q} on stdin; prints the
information coefficient per horizon (scipy.stats.spearmanr), the mean forward return per
pd.qcut quantile for the first horizon, the quantile change rate and the lag-1 rank
autocorrelation of the signal.
"""
import json, sys
import numpy as np
import pandas as pd
from scipy import stats

d = json.load(sys.stdin)
sig, px, q = pd.Series(d["signal"], dtype=float), pd.Series(d["prices"], dtype=float), d["q"]
out = {"ic": [], "quantiles": None}
for h in d["horizons"]:
    fwd = px.shift(-h) / px - 1
    ok = sig.notna() & fwd.notna() & np.isfinite(sig) & np.isfinite(fwd)
    out["ic"].append(float(stats.spearmanr(sig[ok], fwd[ok]).correlation))
    if out["quantiles"] is None:
        b = pd.qcut(sig[ok], q, labels=False) + 1
        g = fwd[ok].groupby(b)
        out["quantiles"] = [[int(k), float(v), int(c)] for (k, v), c in zip(g.mean().items(), g.size())]
s = sig[np.isfinite(sig)].reset_index(drop=True)
b = pd.qcut(s, q, labels=False)
out["changeRate"] = float((b.diff().iloc[1:] != 0).mean())
out["rankAutocorr"] = float(stats.spearmanr(s.iloc[:-1], s.iloc[1:]).correlation)
print(json.dumps(out))

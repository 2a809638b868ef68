"""Cross-sectional information coefficient (Alphalens' definition) with pandas + scipy.

Reads {"signal": [[...]...] (dates x assets, null = missing), "prices": [[...]...], "h": H};
per date: Spearman correlation across assets of the signal and the H-date forward return
(dates with at least 3 usable assets); prints the daily ICs and their mean and std (ddof 1).
"""
import json, sys
import numpy as np
import pandas as pd
from scipy import stats

d = json.load(sys.stdin)
sig = pd.DataFrame(d["signal"], dtype=float)
px = pd.DataFrame(d["prices"], dtype=float)
fwd = px.shift(-d["h"]) / px - 1
daily = []
for t in range(len(sig)):
    ok = sig.iloc[t].notna() & fwd.iloc[t].notna() & np.isfinite(sig.iloc[t]) & np.isfinite(fwd.iloc[t])
    daily.append(float(stats.spearmanr(sig.iloc[t][ok], fwd.iloc[t][ok]).correlation) if ok.sum() >= 3 else None)
vals = np.array([x for x in daily if x is not None and np.isfinite(x)])
print(json.dumps({"daily": daily, "mean": float(vals.mean()), "std": float(vals.std(ddof=1)), "n": int(len(vals))}))

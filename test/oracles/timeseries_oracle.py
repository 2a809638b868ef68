"""Independent reference values for Lockstep's time-series diagnostics, with statsmodels
(ACF, PACF, Ljung-Box, ADF) and numpy (Hurst R/S, from the definition).

Reads {"series": {name: [...]}, "nlags": K, "lb": H, "adfLags": P} as JSON on stdin and
prints {name: {...}} as JSON.
"""
import json, sys
import numpy as np
from statsmodels.tsa.stattools import acf, pacf, adfuller
from statsmodels.stats.diagnostic import acorr_ljungbox

d = json.load(sys.stdin)


def hurst(x):
    ns, rs = [], []
    n = 8
    while n <= len(x) / 2:
        vals = []
        for w in range(0, len(x) - n + 1, n):
            c = x[w:w + n] - np.mean(x[w:w + n])
            z = np.concatenate([[0.0], np.cumsum(c)])
            s = np.std(c)
            if s > 0:
                vals.append((z.max() - z.min()) / s)
        if vals:
            ns.append(np.log(n))
            rs.append(np.log(np.mean(vals)))
        n *= 2
    return float(np.polyfit(ns, rs, 1)[0])


out = {}
for name, xs in d["series"].items():
    x = np.asarray(xs, dtype=float)
    lb = acorr_ljungbox(x, lags=[d["lb"]], return_df=True)
    stat, p, usedlag, nobs, crit = adfuller(x, maxlag=d["adfLags"], regression="c", autolag=None)[:5]
    out[name] = {
        "acf": acf(x, nlags=d["nlags"], fft=False).tolist(),
        "pacf": pacf(x, nlags=d["nlags"], method="ywadjusted").tolist(),
        "lbStat": float(lb["lb_stat"].iloc[0]), "lbP": float(lb["lb_pvalue"].iloc[0]),
        "adfStat": float(stat), "adfP": float(p), "adfNobs": int(nobs), "adfCrit": {k: float(v) for k, v in crit.items()},
        "hurst": hurst(x),
    }
print(json.dumps(out))

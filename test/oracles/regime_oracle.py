"""statsmodels' two-state Markov-switching regression (switching mean and variance) per series:
parameters ordered so state 0 has the smaller variance, the smoothed probability of state 1
and the log-likelihood. Reads {"series": {name: [returns]}} on stdin, writes JSON."""
import json, sys, warnings
import numpy as np
import statsmodels.api as sm

warnings.simplefilter("ignore")
out = {}
for name, r in json.load(sys.stdin)["series"].items():
    res = sm.tsa.MarkovRegression(np.asarray(r), k_regimes=2, trend="c", switching_variance=True).fit()
    p00, p10, m0, m1, v0, v1 = (float(x) for x in res.params)
    sm_prob = np.asarray(res.smoothed_marginal_probabilities)
    if v0 > v1:  # put the calm state first
        p00, p10, m0, m1, v0, v1 = 1 - p10, 1 - p00, m1, m0, v1, v0
        turbulent = sm_prob[:, 0]
    else:
        turbulent = sm_prob[:, 1]
    out[name] = {"p00": p00, "p10": p10, "mean": [m0, m1], "variance": [v0, v1], "llf": float(res.llf), "turbulent": turbulent.tolist()}
print(json.dumps(out))

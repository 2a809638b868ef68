#!/usr/bin/python3
"""Independent re-implementation of src/ml/bar-features.ts with pandas, for the tests.

Reads a CSV of bars (timestamp/date column first, then open, high, low, close, volume)
and prints the features of every bar with a full window as JSON rows.
"""
import json
import sys

import numpy as np
import pandas as pd

df = pd.read_csv(sys.argv[1])
c, h, l, v = df['close'].astype(float), df['high'].astype(float), df['low'].astype(float), df['volume'].astype(float)
lr = np.log(c / c.shift(1))
out = pd.DataFrame({
    'ret_1': lr,
    'ret_5': np.log(c / c.shift(5)),
    'ret_15': np.log(c / c.shift(15)),
    'ret_60': np.log(c / c.shift(60)),
    'vol_30': lr.rolling(30).std(ddof=1),
})
# Wilder RSI(14): simple mean of the first 14 gains/losses, then (prev·13 + x) / 14.
ch = c.diff().to_numpy()
ag = al = 0.0
rsi = np.full(len(c), np.nan)
for i in range(1, len(c)):
    g, lo = max(ch[i], 0.0), max(-ch[i], 0.0)
    if i <= 14:
        ag += g / 14
        al += lo / 14
    else:
        ag = (ag * 13 + g) / 14
        al = (al * 13 + lo) / 14
    rsi[i] = (ag / (ag + al)) * 2 - 1 if ag + al > 0 else 0.0
out['rsi_14'] = rsi
m60, s60 = c.rolling(60).mean(), c.rolling(60).std(ddof=1)
out['z_60'] = (c - m60) / s60
out['range_1'] = np.log(h / l)
lv = np.log1p(v)
out['volume_z_30'] = (lv - lv.rolling(30).mean()) / lv.rolling(30).std(ddof=1)
out = out.iloc[60:]
print(json.dumps(out.to_numpy().tolist()))

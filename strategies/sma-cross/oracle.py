#!/usr/bin/env python3
"""Independent re-implementation of the sma-cross backtest with backtrader's default broker.

Written from the backtrader semantics alone (no Lockstep code): SMA(period) of the close,
CrossOver via the last non-zero difference, one order at a time, market orders executed at
the next bar's open, no commission, cash 10,000, value = cash + position * last close.
Usage: oracle.py FILE [period size cash]. Prints one JSON object with the fills and the final value/cash.
"""
import csv
import json
import math
import sys


def main(path, period=15, size=1, cash=10000.0):
    rows = list(csv.DictReader(open(path)))
    closes, opens, dates = [], [], []
    for r in rows:
        closes.append(float(r["Close"]))
        opens.append(float(r["Open"]))
        dates.append(r["Date"])
    pos = 0
    pending = None  # 'buy' or 'sell', executed at the next bar's open
    fills = []
    nzd_prev = None
    for i in range(len(rows)):
        # 1. the broker executes the order pending from the previous bar at this open
        if pending is not None:
            price = opens[i]
            if pending == "buy":
                cash -= size * price
                pos += size
            else:
                cash += pos * price
                pos = 0
            fills.append({"date": dates[i], "side": pending, "price": price, "qty": size})
            pending = None
        # 2. the strategy sees bar i
        if i + 1 < period:
            continue
        sma = math.fsum(closes[i + 1 - period:i + 1]) / period
        d = closes[i] - sma
        up = nzd_prev is not None and nzd_prev < 0 and d > 0
        down = nzd_prev is not None and nzd_prev > 0 and d < 0
        nzd_prev = d if d != 0 else (nzd_prev if nzd_prev is not None else 0.0)
        if pending is not None:
            continue
        if pos == 0 and up:
            pending = "buy"
        elif pos > 0 and down:
            pending = "sell"
    value = cash + pos * closes[-1]
    print(json.dumps({"fills": fills, "finalValue": value, "cash": cash, "position": pos}))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], *(int(x) for x in a[1:2]), *(float(x) for x in a[2:4]))

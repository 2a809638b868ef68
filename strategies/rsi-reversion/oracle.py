#!/usr/bin/env python3
"""Independent re-implementation of rsi-reversion (Wilder's RSI, backtrader default broker).

RSI(period) as Wilder defined it: the first average gain/loss is the simple mean of the
first `period` close-to-close changes, later ones are smoothed avg = (avg*(period-1) + x)
/ period; RSI = 100 - 100 / (1 + avgGain/avgLoss) (100 when avgLoss is 0). When flat and
RSI < lower, buy `size`; when long and RSI > upper, sell the position; orders execute at
the next bar's open, one at a time, no commission.
Usage: oracle.py FILE [period lower upper size]
"""
import csv, json, sys


def main(path, period=14, lower=30.0, upper=70.0, size=1.0, cash=10000.0):
    rows = list(csv.DictReader(open(path)))
    key = {k.lower(): k for k in rows[0]}
    closes = [float(r[key["close"]]) for r in rows]
    opens = [float(r[key["open"]]) for r in rows]
    pos, pending, fills = 0.0, 0.0, []
    gains, losses, ag, al = [], [], None, None
    for i in range(len(rows)):
        if pending:
            cash -= pending * opens[i]
            pos += pending
            fills.append({"row": i, "side": "buy" if pending > 0 else "sell", "price": opens[i], "qty": abs(pending)})
            pending = 0.0
        if i == 0:
            continue
        ch = closes[i] - closes[i - 1]
        g, l = max(ch, 0.0), max(-ch, 0.0)
        if ag is None:
            gains.append(g); losses.append(l)
            if len(gains) < period:
                continue
            ag, al = sum(gains) / period, sum(losses) / period
        else:
            ag = (ag * (period - 1) + g) / period
            al = (al * (period - 1) + l) / period
        rsi = 100.0 if al == 0 else 100.0 - 100.0 / (1.0 + ag / al)
        if pos == 0 and rsi < lower:
            pending = size
        elif pos > 0 and rsi > upper:
            pending = -pos
    print(json.dumps({"fills": fills, "finalValue": cash + pos * closes[-1], "cash": cash, "position": pos}))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], *(int(x) for x in a[1:2]), *(float(x) for x in a[2:5]))

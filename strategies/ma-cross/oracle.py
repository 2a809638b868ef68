#!/usr/bin/env python3
"""Independent re-implementation of ma-cross with backtrader's default broker semantics.

Written from the strategy's description alone: SMA(fast) and SMA(slow) of the close (math.fsum of
the window / length, as backtrader's SMA computes it); once
both exist, the target position is +size when fast > slow and -size when fast < slow
(unchanged when equal); the difference to the current position is sent as one market
order that executes at the next bar's open; no commission. Value = cash + pos * close.
Usage: oracle.py FILE [fast slow size cash]
"""
import csv, json, math, sys


def main(path, fast=10, slow=30, size=1.0, cash=10000.0):
    rows = list(csv.DictReader(open(path)))
    key = {k.lower(): k for k in rows[0]}
    closes = [float(r[key["close"]]) for r in rows]
    opens = [float(r[key["open"]]) for r in rows]
    pos, pending, fills = 0.0, 0.0, []
    for i in range(len(rows)):
        if pending:
            cash -= pending * opens[i]
            pos += pending
            fills.append({"row": i, "side": "buy" if pending > 0 else "sell", "price": opens[i], "qty": abs(pending)})
            pending = 0.0
        if i + 1 < slow:
            continue
        f = math.fsum(closes[i + 1 - fast:i + 1]) / fast
        s = math.fsum(closes[i + 1 - slow:i + 1]) / slow
        if f == s:
            continue
        target = size if f > s else -size
        pending = target - pos
    print(json.dumps({"fills": fills, "finalValue": cash + pos * closes[-1], "cash": cash, "position": pos}))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], *(int(x) for x in a[1:3]), *(float(x) for x in a[3:5]))

#!/usr/bin/env python3
"""Independent oracle of backtrader's default broker for scripted market orders.

Written from backtrader's broker rules alone (bbroker._execute / check_submitted), no
Lockstep code: a market order decided on a bar executes at the open of the next bar of its
data; a fill first closes what it closes (always executed, cash may go negative), then
opens the rest, which is refused ("Margin") when cash after it would be < 0; short-sale
proceeds are cash (shortcash). Stocks: cash moves by the notional. Futures (margin > 0):
margin per contract held out of cash, P&L marked into cash at every close and at fills,
commission per contract. With checksubmit, the orders of one bar are first executed on
paper at that bar's close against the cash they leave each other; a refused one never
reaches the market.

Usage: broker_oracle.py SPEC_JSON  where SPEC = {"files": [...], "cash": C, "plan": [[bar, feed, size], ...],
  "commission": rate | null, "futures": {"comm": c, "margin": m, "mult": k} | null, "checksubmit": bool,
  "from": "YYYY-MM-DD" | null, "to": ...}
Bars are counted on the first file (backtrader calls next() once per time); orders may name any feed.
Prints one JSON object: fills (feed, date, size, price, comm) and the final cash, value and positions.
"""
import csv
import json
import sys


def load(path, start, end):
    rows = []
    for r in csv.DictReader(open(path)):
        d = r["Date"]
        if (start and d < start) or (end and d > end):
            continue
        rows.append((d, float(r["Open"]), float(r["Close"])))
    return rows


class Broker:
    def __init__(self, cash, feeds, commission, futures):
        self.cash = cash
        self.pos = [0.0] * feeds
        self.adj = [0.0] * feeds  # futures: price the position was last marked to
        self.commission = commission or 0.0
        self.fut = futures

    def comm(self, size, price):
        return abs(size) * self.fut["comm"] if self.fut else abs(size) * price * self.commission

    def legs(self, k, size, price, cash, pos, adj):
        """Cash after the closing and the opening leg of `size` on feed k."""
        closed = 0.0
        if pos != 0 and (size > 0) != (pos > 0):
            closed = -pos if abs(size) >= abs(pos) else size
        opened = size - closed
        if self.fut:
            m = self.fut["mult"]
            cash += pos * (price - adj) * m if pos else 0.0  # mark the position to the fill price
            cash += abs(closed) * self.fut["margin"] - (self.comm(closed, price) if closed else 0.0)
            after_close = cash
            cash -= abs(opened) * self.fut["margin"] + (self.comm(opened, price) if opened else 0.0)
        else:
            cash -= closed * price + (self.comm(closed, price) if closed else 0.0)
            after_close = cash
            cash -= opened * price + (self.comm(opened, price) if opened else 0.0)
        return closed, opened, after_close, cash

    def execute(self, k, size, price, date, fills):
        closed, opened, after_close, after_open = self.legs(k, size, price, self.cash, self.pos[k], self.adj[k])
        if opened and after_open < 0:
            opened, after = 0.0, after_close  # Margin: the opening leg is refused
        else:
            after = after_open
        done = closed + opened
        if done:
            fills.append({"feed": k, "date": date, "size": done, "price": price, "comm": self.comm(done, price)})
            self.cash = after
            self.pos[k] += done
            self.adj[k] = price
        return done == size

    def mark(self, k, close):
        if self.fut and self.pos[k]:
            self.cash += self.pos[k] * (close - self.adj[k]) * self.fut["mult"]
            self.adj[k] = close


def main(spec):
    feeds = [load(f, spec.get("from"), spec.get("to")) for f in spec["files"]]
    b = Broker(spec["cash"], len(feeds), spec.get("commission"), spec.get("futures"))
    plan = {}
    for bar, feed, size in spec["plan"]:
        plan.setdefault(bar, []).append((feed, size))
    index = [{d: i for i, (d, _, _) in enumerate(rows)} for rows in feeds]
    pending, fills = [], []
    for i, (date, _, _) in enumerate(feeds[0]):
        bars = [rows[index[k][date]] if date in index[k] else None for k, rows in enumerate(feeds)]
        # 1. orders decided on an earlier bar execute at this bar's open of their feed
        waiting = []
        for feed, size in pending:
            if bars[feed] is None:
                waiting.append((feed, size))
            else:
                b.execute(feed, size, bars[feed][1], date, fills)
        pending = waiting
        # 2. futures are marked to each close
        for k, bar in enumerate(bars):
            if bar is not None:
                b.mark(k, bar[2])
        # 3. the strategy decides; with checksubmit the orders are first executed on paper at the close
        cash, pos, adj = b.cash, list(b.pos), list(b.adj)
        for feed, size in plan.get(i, []):
            if spec.get("checksubmit"):
                price = bars[feed][2]
                _, _, _, cash = b.legs(feed, size, price, cash, pos[feed], price)
                if cash < 0:
                    continue  # refused at submission
                pos[feed] += size
            pending.append((feed, size))
    last = [rows[-1][2] for rows in feeds]
    value = b.cash + sum((abs(p) * b.fut["margin"] if b.fut else p * last[k]) for k, p in enumerate(b.pos))
    print(json.dumps({"fills": fills, "cash": b.cash, "value": value, "positions": b.pos}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))

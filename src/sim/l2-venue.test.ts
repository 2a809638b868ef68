import { describe, expect, it } from 'vitest';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { BookDeltaView, TradeView } from '../core/events.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { Engine } from '../engine/engine.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { SimClock } from '../engine/sim-clock.ts';
import type { Context } from '../engine/strategy.ts';
import { makerTakerFee } from './fee-model.ts';
import { L2Venue } from './l2-venue.ts';
import { constantLatency } from './latency-model.ts';
import { probabilisticQueue, riskAverseQueue, type QueueModel } from './queue-model.ts';

const inst = defineInstrument({ symbol: 'BTC', tickSize: 0.5, lotSize: 0.001 });

/** An engine + L2 venue driven by hand: `at(t)` sets exchange time t (local t + feed latency 0). */
function harness(opts: { queue?: QueueModel; entry?: number; response?: number } = {}) {
  const clock = new SimClock();
  const venue = new L2Venue({
    instruments: [inst], clock, fees: makerTakerFee(-0.0001, 0.0005), latency: constantLatency(opts.entry ?? 0, opts.response ?? 0),
    queue: opts.queue ?? riskAverseQueue,
  });
  let ctx!: Context;
  const engine = new Engine({
    instruments: [inst], cash: 1e9, venue, clock, logger: new MemoryLogger(() => clock.now()), books: new L2BookKeeper(1),
    strategy: { onStart: (c) => { ctx = c; } },
  });
  engine.start();
  const delta = (ts: number, side: 1 | -1, price: number, qty: number, last = true, clear = false): void => {
    const d: BookDeltaView = { instrumentId: inst.id, instrumentIndex: 0, ts, tsLocal: ts, side, price, qty, isSnapshot: false, clear, last };
    engine.onBookDelta(d);
  };
  const trade = (ts: number, price: number, qty: number, aggressor: 1 | -1): void => {
    const t: TradeView = { instrumentId: inst.id, instrumentIndex: 0, ts, tsLocal: ts, price, qty, aggressor };
    engine.onTrade(t);
  };
  /** A two-sided book: bids 99.5/99/98.5 and asks 100/100.5/101 with the given sizes. */
  const seed = (ts: number) => {
    delta(ts, 1, 99.5, 2, false, true); delta(ts, 1, 99, 3, false); delta(ts, 1, 98.5, 5, false);
    delta(ts, -1, 100, 1, false); delta(ts, -1, 100.5, 2, false); delta(ts, -1, 101, 4, true);
  };
  return { engine, venue, delta, trade, seed, ctx: () => ctx, fills: () => engine.fills.map((f) => [f.side, f.price, f.qty, f.liquidity, f.ts]) };
}

const orderOf = (r: { ok: boolean }): Order => (r as { ok: true; order: Order }).order;

describe('L2Venue, hand-checked', () => {
  it('a market order walks the book: partial fills per level at level prices, taker fees', () => {
    const h = harness();
    h.seed(1);
    h.ctx().buy(2.5);
    h.delta(2, 1, 99.5, 2); // any event lets the order arrive (latency 0) and the fills come back
    expect(h.fills()).toEqual([['buy', 100, 1, 'taker', 2], ['buy', 100.5, 1.5, 'taker', 2]]);
    expect(h.engine.fills[0].fee).toBeCloseTo(100 * 1 * 0.0005, 12);
    expect(h.engine.portfolio.position(0)).toBe(2.5);
  });

  it('a market order larger than the book fills what exists and the rest is cancelled', () => {
    const h = harness();
    h.seed(1);
    const o = orderOf(h.ctx().sell(20));
    h.delta(2, -1, 100, 1);
    expect(h.fills().map((f) => f[2])).toEqual([2, 3, 5]);
    expect(o.status).toBe('cancelled');
    expect(o.filledQty).toBe(10);
  });

  it('post-only that would cross is rejected; IOC takes what crosses and cancels the rest; FOK all or nothing', () => {
    const h = harness();
    h.seed(1);
    const po = orderOf(h.ctx().buy(1, { type: 'limit', price: 100, postOnly: true }));
    const ioc = orderOf(h.ctx().buy(3, { type: 'limit', price: 100.5, tif: 'IOC' }));
    const fokNo = orderOf(h.ctx().buy(4, { type: 'limit', price: 100.5, tif: 'FOK' }));
    const fokYes = orderOf(h.ctx().buy(3, { type: 'limit', price: 100.5, tif: 'FOK' }));
    h.delta(2, 1, 99.5, 2);
    expect(po.status).toBe('rejected');
    expect(po.reason).toBe('post-only-would-cross');
    expect(ioc.filledQty).toBe(3);
    expect(fokNo.status).toBe('cancelled');
    expect(fokNo.filledQty).toBe(0);
    expect(fokYes.status).toBe('filled');
  });

  it('risk-averse queue: a resting bid fills only after the queue ahead trades away; partial fill', () => {
    const h = harness({ queue: riskAverseQueue });
    h.seed(1);
    const o = orderOf(h.ctx().buy(1, { type: 'limit', price: 99 })); // joins behind 3
    h.delta(2, 1, 99, 5); // others join behind us
    h.delta(3, 1, 99, 4); // a cancellation: risk-averse does not advance us
    h.trade(4, 99, 2, -1); // 2 of the 3 ahead trade
    expect(o.filledQty).toBe(0);
    h.trade(5, 99, 1.5, -1); // last 1 ahead trades, then 0.5 of ours
    expect(h.fills()).toEqual([['buy', 99, 0.5, 'maker', 5]]);
    expect(h.engine.fills[0].fee).toBeCloseTo(-99 * 0.5 * 0.0001, 12); // maker rebate
    h.trade(6, 98.5, 1, -1); // a trade through our price fills the rest
    expect(o.status).toBe('filled');
    expect(h.fills()[1]).toEqual(['buy', 99, 0.5, 'maker', 6]);
  });

  it('probabilistic queue: cancellations ahead advance the order by the expected share', () => {
    const h = harness({ queue: probabilisticQueue(1) });
    h.seed(1);
    const o = orderOf(h.ctx().buy(1, { type: 'limit', price: 99 })); // ahead 3
    h.delta(2, 1, 99, 6); // 3 more behind: ahead 3, behind 3
    h.delta(3, 1, 99, 4); // 2 cancelled; with n = 1, p(front) = 3/6 → ahead 3 − 1 = 2
    h.trade(4, 99, 2.5, -1); // 2 ahead trade, then 0.5 of ours
    expect(h.fills()).toEqual([['buy', 99, 0.5, 'maker', 4]]);
    expect(o.filledQty).toBe(0.5);
  });

  it('latency orders events: an order acts after the entry latency and its fills arrive after the response latency', () => {
    const h = harness({ entry: 10, response: 5 });
    h.seed(0);
    h.ctx().buy(1); // submitted at local 0 → at the exchange at 10
    h.delta(5, -1, 100, 1); // exchange time 5: not there yet
    expect(h.engine.fills).toHaveLength(0);
    h.delta(9, -1, 100, 0); // best ask 100 removed at 9, before the order arrives
    h.delta(12, 1, 99.5, 2); // at 12 the order has arrived (10) and taken 100.5; the fill is due at 15
    expect(h.engine.fills).toHaveLength(0);
    h.delta(15, 1, 99.5, 2);
    expect(h.fills()).toEqual([['buy', 100.5, 1, 'taker', 15]]);
  });

  it('a cancel travels too: the order can still fill before the cancel arrives', () => {
    const h = harness({ entry: 10, response: 0 });
    h.seed(0);
    const o = orderOf(h.ctx().sell(1, { type: 'limit', price: 100 })); // arrives at 10, joins behind 1 at 100
    h.delta(10, 1, 99.5, 2);
    h.ctx().cancel(o.id); // local 10 → arrives at 20
    expect(o.status).toBe('accepted');
    h.trade(15, 100, 2, 1); // 1 ahead, then 1 of ours: filled before the cancel arrives
    expect(o.status).toBe('filled');
    h.delta(25, 1, 99.5, 2);
    expect(o.status).toBe('filled'); // the late cancel changes nothing
  });

  it('replace at a new price loses queue priority; a size decrease at the same price keeps it', () => {
    const h = harness();
    h.seed(1);
    const o = orderOf(h.ctx().buy(2, { type: 'limit', price: 99 })); // ahead 3
    h.delta(2, 1, 99, 3);
    h.ctx().replace(o.id, { qty: 1 });
    h.delta(3, 1, 99, 8); // 5 join behind
    h.trade(4, 99, 3.5, -1); // keeps its place: 3 ahead, then 0.5 of ours
    expect(o.filledQty).toBe(0.5);
    h.ctx().replace(o.id, { price: 98.5 });
    h.delta(5, 1, 98.5, 5);
    h.trade(6, 98.5, 5, -1); // re-joined behind 5: nothing yet
    expect(o.filledQty).toBe(0.5);
    h.trade(7, 98.5, 1, -1);
    expect(o.status).toBe('filled');
  });

  it('the book moving onto a resting order fills it as maker', () => {
    const h = harness();
    h.seed(1);
    const o = orderOf(h.ctx().sell(1, { type: 'limit', price: 100.5 }));
    h.delta(2, -1, 100, 0, false);
    h.delta(2, -1, 100.5, 0); // the asks at 100 and 100.5 go away (our order is alone there)
    h.delta(3, 1, 100.5, 1); // best bid moves to our ask
    expect(o.status).toBe('filled');
    expect(h.fills()[0]).toEqual(['sell', 100.5, 1, 'maker', 3]);
  });
});

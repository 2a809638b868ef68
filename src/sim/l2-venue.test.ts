import { describe, expect, it } from 'vitest';
import { CrossedBookPolicy, L2BookKeeper } from '../book/book-keeper.ts';
import type { BookDeltaView, TradeView } from '../core/events.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { Engine } from '../engine/engine.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { SimClock } from '../engine/sim-clock.ts';
import type { Context } from '../engine/strategy.ts';
import { BarBroker } from './bar-broker.ts';
import { makerTakerFee } from './fee-model.ts';
import { L2Venue } from './l2-venue.ts';
import { constantLatency } from './latency-model.ts';
import { probabilisticQueue, riskAverseQueue, type QueueModel } from './queue-model.ts';

const inst = defineInstrument({ symbol: 'BTC', tickSize: 0.5, lotSize: 0.001 });

/** An engine + L2 venue driven by hand: `at(t)` sets exchange time t (local t + feed latency 0). */
function harness(opts: { queue?: QueueModel; entry?: number; response?: number; policy?: CrossedBookPolicy } = {}) {
  const clock = new SimClock();
  // As sessions wire it: the venue applies each delta to the books the strategy reads.
  const books = new CountingBooks(1, opts.policy);
  const venue = new L2Venue({
    instruments: [inst], clock, books, fees: makerTakerFee(-0.0001, 0.0005), latency: constantLatency(opts.entry ?? 0, opts.response ?? 0),
    queue: opts.queue ?? riskAverseQueue,
  });
  let ctx!: Context;
  const engine = new Engine({
    instruments: [inst], cash: 1e9, venue, clock, logger: new MemoryLogger(() => clock.now()), books,
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
  const quote = (ts: number, bidPrice: number, bidSize: number, askPrice: number, askSize: number): void => {
    engine.onQuote({ instrumentId: inst.id, instrumentIndex: 0, ts, tsLocal: ts, bidPrice, bidSize, askPrice, askSize });
  };
  return { engine, venue, books, delta, trade, quote, seed, ctx: () => ctx, fills: () => engine.fills.map((f) => [f.side, f.price, f.qty, f.liquidity, f.ts]) };
}

/** Books that count the deltas applied to them. */
class CountingBooks extends L2BookKeeper {
  applied = 0;
  override apply(d: BookDeltaView): void {
    this.applied++;
    super.apply(d);
  }
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

  it('a market order larger than the book fills what exists and the rest expires', () => {
    const h = harness();
    h.seed(1);
    const o = orderOf(h.ctx().sell(20));
    h.delta(2, -1, 100, 1);
    expect(h.fills().map((f) => f[2])).toEqual([2, 3, 5]);
    expect(o.status).toBe('expired');
    expect(o.filledQty).toBe(10);
  });

  it('post-only that would cross is rejected; IOC takes what crosses and the rest expires; FOK all or nothing', () => {
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
    expect(ioc.status).toBe('filled');
    expect(fokNo.status).toBe('expired');
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

  it('the end of the data (drain): a request still travelling acts on the last book, and every answer still travelling arrives', () => {
    const h = harness({ entry: 10, response: 5 });
    h.seed(0);
    const rest = orderOf(h.ctx().sell(1, { type: 'limit', price: 101 })); // arrives at 10
    h.delta(10, 1, 99.5, 2); // the last event: the sell rests behind 4 at 101 (acknowledged at 15)
    h.ctx().buy(1.5); // sent at 10 → at the exchange at 20, after the data ends
    h.ctx().cancel(rest.id); // sent at 10 → at 20 as well, behind the buy
    expect(h.engine.fills).toHaveLength(0);
    h.venue.drain();
    // Hand-checked: the buy takes the last book's asks, 1 at 100 and 0.5 at 100.5. The clock
    // stops with the data, so the fills (answered at 25) are stamped with its last time, 10.
    expect(h.fills()).toEqual([['buy', 100, 1, 'taker', 10], ['buy', 100.5, 0.5, 'taker', 10]]);
    expect(rest.status).toBe('cancelled');
    expect(h.engine.openOrders()).toHaveLength(0);
  });

  it('a cancel travels too: the order can still fill before the cancel arrives', () => {
    const h = harness({ entry: 10, response: 0 });
    h.seed(0);
    const o = orderOf(h.ctx().sell(1, { type: 'limit', price: 100 })); // arrives at 10, joins behind 1 at 100
    h.delta(10, 1, 99.5, 2);
    h.ctx().cancel(o.id); // local 10 → arrives at 20
    expect(o.status).toBe('pending-cancel');
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

  it('a replaced post-only sell rests again on its own side; a replace that would cross is refused and leaves it resting', () => {
    const h = harness();
    h.seed(1);
    const o = orderOf(h.ctx().sell(1, { type: 'limit', price: 101, postOnly: true }));
    h.delta(2, -1, 101, 4); // arrives: rests at 101 behind 4
    h.ctx().replace(o.id, { price: 100.5 });
    h.delta(3, -1, 100.5, 2); // arrives: a new price, so it rests again, at 100.5 behind 2
    expect(o.price).toBe(100.5);
    h.ctx().replace(o.id, { price: 99.5 });
    h.delta(4, 1, 99.5, 2); // arrives: selling at the best bid would take it, so the venue refuses the replace
    expect(o.price).toBe(100.5);
    expect(h.fills()).toEqual([]);
    h.trade(5, 100.5, 2, 1); // buyers take the 2 ahead of it…
    h.trade(6, 100.5, 1, 1); // …then it: a sell, as maker, at its price
    expect(h.fills()).toEqual([['sell', 100.5, 1, 'maker', 6]]);
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

describe('L2Venue and the strategy share one book', () => {
  it('each delta is applied once, and the strategy reads the book the venue matches against', () => {
    const h = harness();
    h.seed(1);
    h.delta(2, -1, 100, 3);
    expect(h.books.applied).toBe(7);
    expect(h.ctx().book()).toBe(h.venue.book(0));
    expect(h.ctx().book().top(-1, 2)).toEqual([[100, 3], [100.5, 2]]);
  });

  it('a venue on its own (no books given) keeps books of its own', () => {
    const v = new L2Venue({ instruments: [inst], clock: new SimClock(), fees: makerTakerFee(0, 0) });
    v.onBookDelta({ instrumentId: inst.id, instrumentIndex: 0, ts: 1, tsLocal: 1, side: -1, price: 100, qty: 2, isSnapshot: false, clear: false, last: true });
    expect(v.book(0).top(-1, 1)).toEqual([[100, 2]]);
  });

  it('quotes stand in for the book only where no deltas arrive: a quote does not wipe the depth below the top', () => {
    const h = harness();
    h.seed(1);
    h.quote(2, 99.5, 2, 100, 1);
    expect(h.ctx().book().top(-1, 3)).toEqual([[100, 1], [100.5, 2], [101, 4]]);
    h.ctx().buy(2.5);
    h.quote(3, 99.5, 2, 100, 1); // lets the order arrive and its fills come back
    expect(h.fills()).toEqual([['buy', 100, 1, 'taker', 3], ['buy', 100.5, 1.5, 'taker', 3]]);
  });

  it('with quotes only, the quotes are the book (top of book)', () => {
    const h = harness();
    h.quote(1, 99.5, 2, 100, 1);
    expect(h.ctx().book().top(-1, 3)).toEqual([[100, 1]]);
    h.ctx().buy(3);
    h.quote(2, 99.5, 2, 100, 1);
    expect(h.fills()).toEqual([['buy', 100, 1, 'taker', 2]]);
  });

  it('with no simulated venue (live), the engine applies quotes and deltas to the strategy\'s books by the same rule', () => {
    const clock = new SimClock();
    const books = new L2BookKeeper(1);
    let ctx!: Context;
    const engine = new Engine({
      instruments: [inst], cash: 1e6, venue: new BarBroker({ instruments: [inst] }), clock, logger: new MemoryLogger(() => clock.now()), books,
      strategy: { onStart: (c) => { ctx = c; } },
    });
    engine.start();
    engine.onQuote({ instrumentId: inst.id, instrumentIndex: 0, ts: 1, tsLocal: 1, bidPrice: 99.5, bidSize: 2, askPrice: 100, askSize: 1 });
    expect(ctx.book().top(-1, 3)).toEqual([[100, 1]]);
    engine.onBookDelta({ instrumentId: inst.id, instrumentIndex: 0, ts: 2, tsLocal: 2, side: -1, price: 100.5, qty: 3, isSnapshot: false, clear: false, last: false });
    engine.onBookDelta({ instrumentId: inst.id, instrumentIndex: 0, ts: 2, tsLocal: 2, side: 1, price: 99, qty: 4, isSnapshot: false, clear: false, last: true });
    expect(ctx.book().top(-1, 3)).toEqual([[100.5, 3]]); // the quote's level went with the first delta
    engine.onQuote({ instrumentId: inst.id, instrumentIndex: 0, ts: 3, tsLocal: 3, bidPrice: 99.5, bidSize: 2, askPrice: 100, askSize: 1 });
    expect(ctx.book().top(1, 3)).toEqual([[99, 4]]); // quotes no longer touch a book built from deltas
  });

  it('resnapshot policy: while the book waits for a snapshot the venue does not match against the crossed book', () => {
    for (const policy of [CrossedBookPolicy.ignore, CrossedBookPolicy.resnapshot]) {
      const h = harness({ policy });
      h.seed(1);
      const o = orderOf(h.ctx().buy(1, { type: 'limit', price: 99.5 }));
      h.delta(2, 1, 99.5, 2); // the order arrives and rests at 99.5
      h.delta(3, -1, 99, 1); // an ask below the best bid: crossed data
      expect(o.status).toBe(policy === CrossedBookPolicy.ignore ? 'filled' : 'accepted');
      expect(h.ctx().book().state()).toBe(policy === CrossedBookPolicy.ignore ? 'crossed' : 'empty');
    }
  });
});

describe('order lifecycle races on the L2 venue (entry latency 10 µs, answers at once)', () => {
  /** Engine + venue with every lifecycle event recorded as "kind@local-time". */
  function raced() {
    const h = harness({ entry: 10, response: 0 });
    const events: string[] = [];
    h.engine.listen({ order: (e) => events.push(`${e.kind}@${e.ts}`) });
    h.seed(0); // best bid 99.5 (2 ahead), best ask 100
    return { ...h, events };
  }

  it('replace down racing a fill: the fill applies to the quantity the venue held, the late replace ends the order', () => {
    const h = raced();
    const o = orderOf(h.ctx().buy(10, { type: 'limit', price: 99.5 })); // joins behind 2 at the touch
    h.trade(10, 99.5, 0.001, -1); // t=10: the order is at the exchange (accepted)
    expect(h.ctx().replace(o.id, { qty: 4 }).ok).toBe(true); // local 10 → arrives at 20
    expect(o).toMatchObject({ status: 'pending-update', qty: 10 });
    h.trade(15, 99.5, 10, -1); // 2 − 0.001 ahead, then 8.001 of ours… capped: we fill 8.001 of 10
    expect(o).toMatchObject({ status: 'pending-update', qty: 10 });
    expect(o.filledQty).toBeCloseTo(8.001, 9);
    h.trade(25, 99.5, 0.001, -1); // the replace (qty 4 ≤ filled) arrives at 20: the venue ends the order
    expect(o).toMatchObject({ status: 'cancelled', reason: 'replaced at or below the filled quantity', qty: 10 });
    expect(h.engine.portfolio.position(0)).toBeCloseTo(8.001, 9);
    expect(h.events).toEqual(['submitted@0', 'accepted@10', 'pending-update@10', 'partially-filled@15', 'cancelled@25']);
  });

  it('replace up racing a complete fill: filled at the old quantity, the venue refuses the late replace', () => {
    const h = raced();
    const o = orderOf(h.ctx().buy(4, { type: 'limit', price: 99.5 }));
    h.trade(10, 99.5, 0.5, -1);
    h.ctx().replace(o.id, { qty: 10 });
    h.trade(15, 99.5, 10, -1); // 1.5 ahead, then all 4 of ours
    expect(o).toMatchObject({ status: 'filled', filledQty: 4, qty: 4 });
    h.trade(25, 99.5, 1, -1);
    expect(o.status).toBe('filled');
    expect(h.events).toEqual(['submitted@0', 'accepted@10', 'pending-update@10', 'filled@15', 'update-rejected@25']);
  });

  it('a cancel of an order the venue has not acknowledged: sent at once, acknowledged, then cancelled', () => {
    const h = raced();
    const o = orderOf(h.ctx().buy(1, { type: 'limit', price: 99 }));
    expect(h.ctx().cancel(o.id).ok).toBe(true);
    expect(o.status).toBe('pending-cancel');
    h.trade(12, 100, 0.001, 1);
    expect(o.status).toBe('cancelled');
    expect(h.events).toEqual(['submitted@0', 'pending-cancel@0', 'accepted@12', 'cancelled@12']);
  });

  it('a replace of a partly filled order re-queues the rest at the new price; fills keep counting toward the same order', () => {
    const h = raced();
    const o = orderOf(h.ctx().buy(5, { type: 'limit', price: 99.5 }));
    h.trade(10, 99.5, 4, -1); // 2 ahead, then 2 of ours
    expect(o.filledQty).toBe(2);
    h.ctx().replace(o.id, { price: 99 });
    h.trade(15, 99.5, 1, -1); // still at 99.5 at the exchange: 1 more fills at the old price
    expect(o).toMatchObject({ filledQty: 3, price: 99.5, status: 'pending-update' });
    h.delta(21, 1, 99, 3); // the replace arrived at 20: the rest (2) queues at 99 behind 3
    expect(o).toMatchObject({ filledQty: 3, price: 99, qty: 5, status: 'partially-filled' });
    h.trade(22, 99, 5, -1);
    expect(o).toMatchObject({ status: 'filled', filledQty: 5 });
    expect(h.fills().map((f) => [f[1], f[2]])).toEqual([[99.5, 2], [99.5, 1], [99, 2]]);
  });

  it('a replace of an order not yet acknowledged is refused locally', () => {
    const h = raced();
    const o = orderOf(h.ctx().buy(1, { type: 'limit', price: 99 }));
    expect(h.ctx().replace(o.id, { price: 98.5 })).toMatchObject({ ok: false, reason: 'not-acknowledged' });
  });
});

import { L2Book } from '../book/l2-book.ts';
import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import { Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { OrderStatus, OrderType, RejectReason, sideSign, TimeInForce, type Order, type OrderChanges } from '../core/order.ts';
import type { Clock } from '../engine/clock.ts';
import type { ExecutionClient, OrderEventSink, Refusal } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import type { FeeModel } from './fee-model.ts';
import { constantLatency, type LatencyModel } from './latency-model.ts';
import { riskAverseQueue, type QueueModel, type QueuePosition } from './queue-model.ts';

export interface L2VenueOptions {
  instruments: readonly Instrument[];
  /** Local clock (time the strategy acts). */
  clock: Clock;
  fees: FeeModel;
  latency?: LatencyModel;
  /** Per instrument slot (one venue per instrument): overrides `latency` where given. */
  latencyBySlot?: readonly (LatencyModel | undefined)[];
  queue?: QueueModel;
  /** Reject orders that need more cash than the account holds (checked on arrival). */
  checkCash?: boolean;
  /** A replace that only lowers the quantity at the same price keeps queue priority (default true). */
  keepPriorityOnDecrease?: boolean;
}

/** What the venue needs of any event: its exchange and local times. */
interface Stamped { readonly ts: number; readonly tsLocal: number }

interface Resting extends QueuePosition {
  order: Order;
  side: 1 | -1;
  price: number;
  /** Quantity still open at the exchange. */
  open: number;
  /** Quantity the exchange has filled so far (across replaces). */
  filled: number;
}

type Action =
  | { kind: 'submit'; at: number; seq: number; order: Order }
  | { kind: 'cancel'; at: number; seq: number; order: Order }
  | { kind: 'replace'; at: number; seq: number; order: Order; price: number; qty: number };

type Report =
  | { kind: 'fill'; at: number; seq: number; order: Order; price: number; qty: number; fee: number; liquidity: Liquidity }
  | { kind: 'status'; at: number; seq: number; order: Order; status: OrderStatus; reason: string };

/** Inserts keeping (at, seq) order; appends in the common constant-latency case. */
function insertOrdered<T extends { at: number; seq: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1].at > item.at) i--;
  list.splice(i, 0, item);
}

/**
 * A simulated exchange on L2 data, after hftbacktest: its own book per instrument built
 * from the replayed deltas (or quotes), orders that reach it after the entry latency and
 * answers that come back after the response latency, market orders that walk the book,
 * crossing limits that take liquidity up to their price, and resting orders that wait in
 * their level's queue (queue model) until trades or the book move through them. The
 * simulated orders do not change the replayed book (no market impact).
 */
export class L2Venue implements ExecutionClient {
  private sink!: OrderEventSink;
  private account!: Portfolio;
  private readonly slotOf = new Map<string, number>();
  private readonly books: L2Book[];
  private readonly resting: Resting[][];
  private readonly stops: Order[][];
  private readonly actions: Action[] = [];
  private readonly outbox: Report[] = [];
  private readonly latency: LatencyModel;
  private readonly latencies: LatencyModel[];
  private readonly queue: QueueModel;
  private seq = 0;
  /** Latest exchange time seen. */
  private exchNow = -Infinity;

  constructor(private readonly o: L2VenueOptions) {
    o.instruments.forEach((inst, i) => this.slotOf.set(inst.id, i));
    this.books = o.instruments.map(() => new L2Book());
    this.resting = o.instruments.map(() => []);
    this.stops = o.instruments.map(() => []);
    this.latency = o.latency ?? constantLatency(0, 0);
    this.latencies = o.instruments.map((_, i) => o.latencyBySlot?.[i] ?? this.latency);
    this.queue = o.queue ?? riskAverseQueue;
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.sink = sink;
    this.account = account;
  }

  /** The exchange-side book of instrument slot `i`. */
  book(i: number): L2Book {
    return this.books[i];
  }

  submit(order: Order): Refusal | null {
    const now = this.o.clock.now();
    insertOrdered(this.actions, { kind: 'submit', at: now + this.latencyOf(order).entry(now), seq: this.seq++, order });
    return null;
  }

  cancel(order: Order): 'pending' {
    const now = this.o.clock.now();
    insertOrdered(this.actions, { kind: 'cancel', at: now + this.latencyOf(order).entry(now), seq: this.seq++, order });
    return 'pending';
  }

  replace(order: Order, changes: OrderChanges): Refusal | null {
    const now = this.o.clock.now();
    insertOrdered(this.actions, {
      kind: 'replace', at: now + this.latencyOf(order).entry(now), seq: this.seq++, order, price: changes.price ?? order.price, qty: changes.qty ?? order.qty,
    });
    return null;
  }

  onBookDelta(d: BookDeltaView): void {
    this.catchUp(d);
    const ts = d.ts;
    const i = d.instrumentIndex;
    const book = this.books[i];
    if (d.clear) book.clear();
    const list = this.resting[i];
    let queued = false;
    for (let k = 0; k < list.length && !queued; k++) queued = list[k].side === d.side && list[k].price === d.price;
    if (queued) {
      const prev = book.depthAt(d.side, d.price);
      book.apply(d.side, d.price, d.qty);
      for (const r of list) {
        if (r.side === d.side && r.price === d.price) this.queue.depthChanged(r, prev, d.qty);
      }
    } else {
      book.apply(d.side, d.price, d.qty);
    }
    if (d.last && list.length > 0) this.matchCrossed(i, ts);
    this.deliverDue(d);
  }

  onQuote(q: QuoteView): void {
    this.catchUp(q);
    const ts = q.ts;
    const i = q.instrumentIndex;
    const book = this.books[i];
    // Quote-only data: the book is the top of book.
    book.bids.setOnly(q.bidPrice, q.bidSize);
    book.asks.setOnly(q.askPrice, q.askSize);
    if (this.resting[i].length > 0) this.matchCrossed(i, ts);
    this.deliverDue(q);
  }

  onTrade(t: TradeView): void {
    this.catchUp(t);
    const ts = t.ts;
    const i = t.instrumentIndex;
    if (this.stops[i].length > 0) this.triggerStops(i, t.price, ts);
    const list = this.resting[i];
    // By index, no copy (this runs on every trade): a fill that completes an order removes
    // it from `list`, and the loop then looks at the same index again.
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      // A sell aggressor trades against bids, a buy aggressor against asks; unknown: either.
      const hits = t.aggressor === 0 ? (r.side === 1 ? t.price <= r.price : t.price >= r.price) : t.aggressor === -r.side;
      if (!hits) continue;
      const through = r.side === 1 ? t.price < r.price : t.price > r.price;
      if (through) {
        this.fill(i, r, r.open, r.price, Liquidity.maker, t.ts);
      } else if (t.price === r.price) {
        r.tradedSinceDepth += t.qty;
        const left = r.ahead - t.qty;
        r.ahead = Math.max(0, left);
        if (left < 0) this.fill(i, r, Math.min(r.open, -left), r.price, Liquidity.maker, t.ts);
      }
      if (list[k] !== r) k--;
    }
    this.deliverDue(t);
  }

  /** Lets requests that reached the exchange by `tsEvent` act and delivers answers due by `tsLocal` (no market event). */
  sync(tsEvent: number, tsLocal: number): void {
    this.catchUp({ ts: tsEvent, tsLocal });
  }

  /**
   * Before a market event: requests that reached the exchange by its exchange time act on
   * the book as it was, then answers due by its local time are delivered. Runs on every
   * event, so it only calls out when something is due (and takes the event, not two boxed
   * doubles).
   */
  private catchUp(e: Stamped): void {
    const ts = e.ts;
    if (this.actions.length > 0 && this.actions[0].at <= ts) this.arriveUntil(ts);
    if (ts > this.exchNow) this.exchNow = ts;
    this.deliverDue(e);
  }

  /** Delivers the answers due by the event's local time, if any. */
  private deliverDue(e: Stamped): void {
    if (this.outbox.length > 0 && this.outbox[0].at <= e.tsLocal) this.deliver(e.tsLocal);
  }

  /** Requests that reach the exchange by `tsEvent` act, in arrival order. */
  private arriveUntil(tsEvent: number): void {
    while (this.actions.length > 0 && this.actions[0].at <= tsEvent) {
      const a = this.actions.shift()!;
      if (a.at > this.exchNow) this.exchNow = a.at;
      this.arrive(a);
    }
  }

  /** Hands the strategy every answer due by local time `tsLocal`. */
  private deliver(tsLocal: number): void {
    while (this.outbox.length > 0 && this.outbox[0].at <= tsLocal) {
      const r = this.outbox.shift()!;
      if (r.kind === 'fill') this.sink.fillReceived(r.order, r.price, r.qty, r.fee, r.liquidity);
      else this.sink.statusChanged(r.order, r.status, r.reason);
    }
  }

  /** Queues an answer made at exchange time `r.at`; it reaches the strategy after the response latency. */
  private report(r: Report): void {
    r.at += this.latencyOf(r.order).response(r.at);
    r.seq = this.seq++;
    insertOrdered(this.outbox, r);
  }

  private latencyOf(order: Order): LatencyModel {
    return this.latencies.length === 1 ? this.latencies[0] : this.latencies[this.slotOf.get(order.instrumentId)!];
  }

  private status(order: Order, status: OrderStatus, reason: string, at: number): void {
    this.report({ kind: 'status', order, status, reason, at, seq: 0 });
  }

  private arrive(a: Action): void {
    const i = this.slotOf.get(a.order.instrumentId)!;
    const at = this.exchNow;
    if (a.kind === 'cancel') {
      const list = this.resting[i];
      const k = list.findIndex((r) => r.order === a.order);
      const stop = this.stops[i].indexOf(a.order);
      if (k >= 0) list.splice(k, 1);
      if (stop >= 0) this.stops[i].splice(stop, 1);
      if (k >= 0 || stop >= 0) this.status(a.order, OrderStatus.cancelled, 'cancelled', at);
      return;
    }
    if (a.kind === 'replace') {
      const list = this.resting[i];
      const r = list.find((x) => x.order === a.order);
      if (!r) return; // filled or cancelled meanwhile
      const open = a.qty - r.filled;
      if (open <= 0) {
        list.splice(list.indexOf(r), 1);
        this.status(a.order, OrderStatus.cancelled, 'replaced below the filled quantity', at);
        return;
      }
      const keep = (this.o.keepPriorityOnDecrease ?? true) && a.price === r.price && open <= r.open;
      r.open = open;
      if (!keep) {
        list.splice(list.indexOf(r), 1);
        r.price = a.price;
        this.place(i, r.order, a.price, open, at, r.filled);
      }
      return;
    }
    const o = a.order;
    if (o.type === OrderType.stop || o.type === OrderType.stopLimit) {
      this.stops[i].push(o);
      return;
    }
    if (this.o.checkCash) {
      const ref = o.type === OrderType.market ? (sideSign(o.side) === 1 ? this.books[i].bestAsk() : this.books[i].bestBid()) : o.price;
      if (Number.isFinite(ref) && this.account.cashRequired(i, sideSign(o.side) * o.qty, ref, 0) > this.account.cash) {
        this.status(o, OrderStatus.rejected, RejectReason.insufficientCash, at);
        return;
      }
    }
    this.place(i, o, o.type === OrderType.market ? Number.NaN : o.price, o.qty, at);
  }

  /** Executes or rests `qty` of an order at the exchange at time `at` (`filled` earlier, when re-placed). */
  private place(i: number, o: Order, price: number, qty: number, at: number, filled = 0): void {
    const side = sideSign(o.side);
    const book = this.books[i];
    const opp = side === 1 ? book.asks : book.bids;
    const market = Number.isNaN(price);
    const crosses = market || (opp.levels > 0 && (side === 1 ? price >= opp.bestPrice() : price <= opp.bestPrice()));
    if (crosses && o.postOnly) {
      this.status(o, OrderStatus.rejected, RejectReason.postOnlyWouldCross, at);
      return;
    }
    let left = qty;
    if (crosses) {
      const within = (p: number) => market || (side === 1 ? p <= price : p >= price);
      if (o.tif === TimeInForce.FOK) {
        let avail = 0;
        for (let k = 0; k < opp.levels && within(opp.priceAt(k)) && avail < left; k++) avail += opp.sizeAt(k);
        if (avail + 1e-12 < left) {
          this.status(o, OrderStatus.cancelled, 'fill-or-kill not filled', at);
          return;
        }
      }
      // Walk the opposite side; the replayed book is not changed by our own fills.
      for (let k = 0; k < opp.levels && left > 1e-12; k++) {
        const p = opp.priceAt(k);
        if (!within(p)) break;
        const take = Math.min(left, opp.sizeAt(k));
        this.sendFill(i, o, p, take, Liquidity.taker, at);
        left -= take;
      }
    }
    if (left <= 1e-12) return;
    if (market || o.tif === TimeInForce.IOC || o.tif === TimeInForce.FOK) {
      this.status(o, OrderStatus.cancelled, market ? 'market order: not enough depth' : 'immediate-or-cancel remainder', at);
      return;
    }
    const r: Resting = { order: o, side, price, open: left, filled: filled + qty - left, ahead: 0, tradedSinceDepth: 0 };
    this.queue.join(r, book.depthAt(side, price));
    this.resting[i].push(r);
  }

  /** Resting orders the opposite side has moved onto or through fill at their price. */
  private matchCrossed(i: number, at: number): void {
    const list = this.resting[i];
    if (list.length === 0) return;
    const book = this.books[i];
    const bestAsk = book.bestAsk();
    const bestBid = book.bestBid();
    // By index, no copy (this runs on every book update): fills remove orders from `list`.
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      if (r.side === 1 ? bestAsk <= r.price : bestBid >= r.price) {
        this.fill(i, r, r.open, r.price, Liquidity.maker, at);
        if (list[k] !== r) k--;
      }
    }
  }

  private triggerStops(i: number, price: number, at: number): void {
    const stops = this.stops[i];
    if (stops.length === 0) return;
    for (const o of [...stops]) {
      const up = sideSign(o.side) === 1;
      if (up ? price >= o.stopPrice : price <= o.stopPrice) {
        stops.splice(stops.indexOf(o), 1);
        this.status(o, OrderStatus.triggered, 'stop triggered', at);
        this.place(i, o, o.type === OrderType.stop ? Number.NaN : o.price, o.qty, at);
      }
    }
  }

  /** Fills part of a resting order (removing it when done). */
  private fill(i: number, r: Resting, qty: number, price: number, liquidity: Liquidity, at: number): void {
    if (qty <= 0) return;
    this.sendFill(i, r.order, price, qty, liquidity, at);
    r.open -= qty;
    r.filled += qty;
    if (r.open <= 1e-12) {
      const list = this.resting[i];
      list.splice(list.indexOf(r), 1);
    }
  }

  private sendFill(i: number, o: Order, price: number, qty: number, liquidity: Liquidity, at: number): void {
    const fee = this.o.fees.fee(this.o.instruments[i], qty, price, liquidity);
    this.report({ kind: 'fill', order: o, price, qty, fee, liquidity, at, seq: 0 });
  }
}

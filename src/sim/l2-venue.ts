import { L2BookKeeper } from '../book/book-keeper.ts';
import type { L2Book } from '../book/l2-book.ts';
import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import { Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { OrderType, RejectReason, Side, sideSign, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import type { Clock } from '../engine/clock.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueCapabilities, VenueEvent } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import type { FeeModel } from './fee-model.ts';
import { constantLatency, type LatencyModel } from './latency-model.ts';
import { DueQueue } from './due-queue.ts';
import { riskAverseQueue, type QueueModel, type QueuePosition } from './queue-model.ts';
import { removeAt, removeItem } from '../core/array-edit.ts';

export interface L2VenueOptions {
  instruments: readonly Instrument[];
  /** Local clock (time the strategy acts). */
  clock: Clock;
  fees: FeeModel;
  latency?: LatencyModel;
  /** Per instrument slot (one venue per instrument): overrides `latency` where given. */
  latencyBySlot?: readonly (LatencyModel | undefined)[];
  queue?: QueueModel;
  /** Reject orders whose opening part needs more cash than the account holds (checked on arrival; see fill-cash.ts). */
  checkCash?: boolean;
  /** Cash-settled shorts: see BarBrokerOptions.shortMargin (default 0). */
  shortMargin?: number;
  /** A replace that only lowers the quantity at the same price keeps queue priority (default true). */
  keepPriorityOnDecrease?: boolean;
  /**
   * The books to match against: the venue applies every replayed delta (through their
   * crossed-book policy) and quote to them. A session passes the books its strategy reads, so each delta
   * is applied once and the venue and the strategy see one book. Default: books of its own
   * (policy `ignore`).
   */
  books?: L2BookKeeper;
}

/** What the venue needs of any event: its exchange and local times. */
interface Stamped { readonly ts: number; readonly tsLocal: number }

/**
 * An order resting in the exchange's book: what the venue still reads of it, copied from its
 * snapshot, which is then let go (a market maker's resting orders live through scavenges, and
 * everything they hold is promoted with them). Only GTC orders rest: IOC, FOK and market
 * orders end when placed.
 */
interface Resting extends QueuePosition {
  readonly id: string;
  readonly side: 1 | -1;
  readonly postOnly: boolean;
  price: number;
  /** Quantity still open at the exchange. */
  open: number;
  /** Quantity the exchange has filled so far (across replaces). */
  filled: number;
}

/** What placing an order reads of it: its snapshot on arrival, its resting record's fields when a replace moves it. */
type Placed = Pick<OrderSnapshot, 'id' | 'side' | 'tif' | 'postOnly'>;

/** A request on its way to the exchange. */
type Action =
  | { kind: 'submit'; order: OrderSnapshot }
  | { kind: 'cancel'; id: string; slot: number }
  | { kind: 'replace'; id: string; slot: number; terms: OrderAmendment };

const noFee = (): number => 0;

/** What this venue carries: everything but DAY expiry and reduce-only, which the engine emulates. */
const L2_CAPABILITIES: VenueCapabilities = Object.freeze({
  orderTypes: new Set(Object.values(OrderType)),
  timeInForce: new Set([TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK]),
  postOnly: true,
  reduceOnly: false,
  reservesBalance: false,
});

/**
 * A simulated exchange on L2 data, after hftbacktest: its own book per instrument built
 * from the replayed deltas (or quotes), orders that reach it after the entry latency and
 * answers that come back after the response latency, market orders that walk the book,
 * crossing limits that take liquidity up to their price, and resting orders that wait in
 * their level's queue (queue model) until trades or the book move through them. The
 * simulated orders do not change the replayed book (no market impact).
 */
export class L2Venue implements ExecutionClient {
  readonly capabilities = L2_CAPABILITIES;
  private sink!: OrderEventSink;
  private account!: Portfolio;
  private readonly slotOf = new Map<string, number>();
  /** The books this venue applies the replayed deltas to (see L2VenueOptions.books). */
  readonly books: L2BookKeeper;
  private readonly resting: Resting[][];
  private readonly stops: OrderSnapshot[][];
  /** Requests by the exchange time they arrive. */
  private readonly actions = new DueQueue<Action>();
  /** Answers by the local time they reach the strategy. */
  private readonly outbox = new DueQueue<VenueEvent>();
  private readonly latency: LatencyModel;
  private readonly latencies: LatencyModel[];
  private readonly queue: QueueModel;
  /** Instrument slot of every order sent, when there are several (cancels and replaces name only the order). */
  private readonly instrumentOf = new Map<string, number>();
  /**
   * Per instrument slot (one venue each): when the last request arrives and the last answer
   * is delivered. A connection keeps order, so a varying latency never overtakes.
   */
  private readonly lastArrival: Float64Array;
  private readonly lastDelivery: Float64Array;
  /** Latest exchange time seen. */
  private exchNow = -Infinity;

  constructor(private readonly o: L2VenueOptions) {
    o.instruments.forEach((inst, i) => this.slotOf.set(inst.id, i));
    this.books = o.books ?? new L2BookKeeper(o.instruments.length, 'ignore');
    this.resting = o.instruments.map(() => []);
    this.stops = o.instruments.map(() => []);
    this.latency = o.latency ?? constantLatency(0, 0);
    this.latencies = o.instruments.map((_, i) => o.latencyBySlot?.[i] ?? this.latency);
    this.queue = o.queue ?? riskAverseQueue;
    this.lastArrival = new Float64Array(o.instruments.length).fill(-Infinity);
    this.lastDelivery = new Float64Array(o.instruments.length).fill(-Infinity);
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.sink = sink;
    this.account = account;
  }

  /** The exchange-side book of instrument slot `i`. */
  book(i: number): L2Book {
    return this.books.book(i);
  }

  submit(order: OrderSnapshot): Refusal | null {
    const slot = this.slotOf.get(order.instrumentId)!;
    if (this.o.instruments.length > 1) this.instrumentOf.set(order.id, slot);
    this.actions.push(this.arrival(slot), { kind: 'submit', order });
    return null;
  }

  cancel(orderId: string): void {
    const slot = this.slotOfOrder(orderId);
    this.actions.push(this.arrival(slot), { kind: 'cancel', id: orderId, slot });
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    const slot = this.slotOfOrder(orderId);
    this.actions.push(this.arrival(slot), { kind: 'replace', id: orderId, slot, terms });
    return null;
  }

  /** When a request sent now reaches the exchange (never before one sent earlier). */
  private arrival(i: number): number {
    const now = this.o.clock.now();
    const at = Math.max(now + this.latencyOfSlot(i).entry(now), this.lastArrival[i]);
    this.lastArrival[i] = at;
    return at;
  }

  /** Instrument slot of an order this venue was sent (every cancel/replace follows a submit). */
  private slotOfOrder(orderId: string): number {
    return this.o.instruments.length === 1 ? 0 : this.instrumentOf.get(orderId) ?? 0;
  }

  onBookDelta(d: BookDeltaView): void {
    this.catchUp(d);
    const i = d.instrumentIndex;
    const book = this.books.book(i);
    const list = this.resting[i];
    let queued = false;
    for (let k = 0; k < list.length && !queued; k++) queued = list[k].side === d.side && list[k].price === d.price;
    // Depth at the level before the delta (after its clear): the queue model sees the change.
    const prev = queued && !d.clear ? book.depthAt(d.side, d.price) : 0;
    this.books.apply(d);
    if (queued) {
      const now = book.depthAt(d.side, d.price);
      for (const r of list) {
        if (r.side === d.side && r.price === d.price) this.queue.depthChanged(r, prev, now);
      }
    }
    if (d.last && list.length > 0) this.matchCrossed(i, d.ts);
    this.deliverDue(d);
  }

  onQuote(q: QuoteView): void {
    this.catchUp(q);
    const i = q.instrumentIndex;
    this.books.applyQuote(q); // quote-only data: the quotes are the book
    if (this.resting[i].length > 0) this.matchCrossed(i, q.ts);
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
   * End of a session (every mode the same): requests still travelling reach the exchange
   * and act on the last book, at their arrival times; then every answer still travelling
   * (a fill the exchange made just before the data ended, a cancel after a kill) reaches
   * the strategy, stamped by the engine with its clock's last time (the clock stops with
   * the data). One pass: what those answers prompt is not sent.
   */
  drain(): void {
    this.arriveUntil(Infinity);
    this.deliver(Infinity);
  }

  /**
   * Before a market event: requests that reached the exchange by its exchange time act on
   * the book as it was, then answers due by its local time are delivered. Runs on every
   * event, so it only calls out when something is due (and takes the event, not two boxed
   * doubles).
   */
  private catchUp(e: Stamped): void {
    const ts = e.ts;
    if (this.actions.dueBy(ts)) this.arriveUntil(ts);
    if (ts > this.exchNow) this.exchNow = ts;
    this.deliverDue(e);
  }

  /** Delivers the answers due by the event's local time, if any. */
  private deliverDue(e: Stamped): void {
    if (this.outbox.dueBy(e.tsLocal)) this.deliver(e.tsLocal);
  }

  /** Requests that reach the exchange by `tsEvent` act, in arrival order. */
  private arriveUntil(tsEvent: number): void {
    while (this.actions.dueBy(tsEvent)) {
      const at = this.actions.nextAt();
      const a = this.actions.shift();
      if (at > this.exchNow) this.exchNow = at;
      this.arrive(a);
    }
  }

  /** Hands the strategy every answer due by local time `tsLocal`. */
  private deliver(tsLocal: number): void {
    while (this.outbox.dueBy(tsLocal)) this.sink.onVenueEvent(this.outbox.shift());
  }

  /** Queues an answer made at exchange time `at` for an order of slot `i`; it reaches the strategy after the response latency. */
  private report(i: number, at: number, event: VenueEvent): void {
    const due = Math.max(at + this.latencyOfSlot(i).response(at), this.lastDelivery[i]);
    this.lastDelivery[i] = due;
    this.outbox.push(due, event);
  }

  private latencyOfSlot(i: number): LatencyModel {
    return this.latencies.length === 1 ? this.latencies[0] : this.latencies[i];
  }

  private arrive(a: Action): void {
    const at = this.exchNow;
    if (a.kind === 'cancel') this.arriveCancel(a.slot, a.id, at);
    else if (a.kind === 'replace') this.arriveReplace(a.slot, a.id, a.terms, at);
    else this.arriveSubmit(a.order, at);
  }

  private arriveCancel(i: number, id: string, at: number): void {
    const list = this.resting[i];
    const k = list.findIndex((r) => r.id === id);
    const stop = this.stops[i].findIndex((o) => o.id === id);
    if (k >= 0) removeAt(list, k);
    if (stop >= 0) removeAt(this.stops[i], stop);
    if (k >= 0 || stop >= 0) this.forget(id);
    this.report(i, at, k >= 0 || stop >= 0
      ? { kind: 'cancelled', orderId: id, reason: 'cancelled' }
      : { kind: 'cancel-rejected', orderId: id, reason: RejectReason.tooLate });
  }

  private arriveReplace(i: number, id: string, t: OrderAmendment, at: number): void {
    const stops = this.stops[i];
    const s = stops.findIndex((o) => o.id === id);
    if (s >= 0) {
      stops[s] = { ...stops[s], qty: t.qty, price: t.price, stopPrice: t.stopPrice };
      this.report(i, at, { kind: 'updated', orderId: id, qty: t.qty, price: t.price, stopPrice: t.stopPrice });
      return;
    }
    const list = this.resting[i];
    const r = list.find((x) => x.id === id);
    if (!r) {
      this.report(i, at, { kind: 'update-rejected', orderId: id, reason: RejectReason.tooLate });
      return;
    }
    const open = t.qty - r.filled;
    if (open <= 1e-12) {
      removeItem(list, r);
      this.forget(id);
      this.report(i, at, { kind: 'cancelled', orderId: id, reason: 'replaced at or below the filled quantity' });
      return;
    }
    if (r.postOnly && t.price !== r.price && this.wouldCross(i, r.side, t.price)) {
      this.report(i, at, { kind: 'update-rejected', orderId: id, reason: RejectReason.postOnlyWouldCross });
      return;
    }
    const keep = (this.o.keepPriorityOnDecrease ?? true) && t.price === r.price && open <= r.open;
    r.open = open;
    this.report(i, at, { kind: 'updated', orderId: id, qty: t.qty, price: t.price, stopPrice: t.stopPrice });
    if (!keep) {
      removeItem(list, r);
      this.place(i, { id, side: r.side === 1 ? Side.buy : Side.sell, tif: TimeInForce.GTC, postOnly: r.postOnly }, t.price, open, at, r.filled);
    }
  }

  private arriveSubmit(o: OrderSnapshot, at: number): void {
    const i = this.slotOf.get(o.instrumentId)!;
    if (this.o.checkCash) {
      const ref = o.type === OrderType.market ? (sideSign(o.side) === 1 ? this.book(i).bestAsk() : this.book(i).bestBid()) : o.price;
      // A purely closing order is never refused; one whose opening part cannot be paid is refused whole.
      if (Number.isFinite(ref) && !this.account.fillLegs(i, sideSign(o.side) * o.qty, ref, noFee, this.o.shortMargin ?? 0).openAffordable) {
        this.reject(i, o.id, RejectReason.insufficientCash, at);
        return;
      }
    }
    if (o.postOnly && this.wouldCross(i, sideSign(o.side), o.price)) {
      this.reject(i, o.id, RejectReason.postOnlyWouldCross, at);
      return;
    }
    this.report(i, at, { kind: 'accepted', orderId: o.id });
    if (o.type === OrderType.stop || o.type === OrderType.stopLimit) {
      this.stops[i].push(o);
      return;
    }
    this.place(i, o, o.type === OrderType.market ? Number.NaN : o.price, o.qty, at);
  }

  private reject(i: number, id: string, reason: string, at: number): void {
    this.forget(id);
    this.report(i, at, { kind: 'rejected', orderId: id, reason });
  }

  private wouldCross(i: number, side: 1 | -1, price: number): boolean {
    const opp = side === 1 ? this.book(i).asks : this.book(i).bids;
    return opp.levels > 0 && (side === 1 ? price >= opp.bestPrice() : price <= opp.bestPrice());
  }

  /** Drops what this venue knows of an order that ended. */
  private forget(id: string): void {
    if (this.instrumentOf.size > 0) this.instrumentOf.delete(id);
  }

  /** Executes or rests `qty` of an order at the exchange at time `at` (`filled` earlier, when re-placed). */
  private place(i: number, o: Placed, price: number, qty: number, at: number, filled = 0): void {
    const side = sideSign(o.side);
    const book = this.book(i);
    const opp = side === 1 ? book.asks : book.bids;
    const market = Number.isNaN(price);
    const crosses = market || (opp.levels > 0 && (side === 1 ? price >= opp.bestPrice() : price <= opp.bestPrice()));
    let left = qty;
    if (crosses) {
      const within = (p: number) => market || (side === 1 ? p <= price : p >= price);
      if (o.tif === TimeInForce.FOK) {
        let avail = 0;
        for (let k = 0; k < opp.levels && within(opp.priceAt(k)) && avail < left; k++) avail += opp.sizeAt(k);
        if (avail + 1e-12 < left) {
          this.end(i, o.id, 'expired', 'fill-or-kill not filled', at);
          return;
        }
      }
      // Walk the opposite side; the replayed book is not changed by our own fills.
      for (let k = 0; k < opp.levels && left > 1e-12; k++) {
        const p = opp.priceAt(k);
        if (!within(p)) break;
        const take = Math.min(left, opp.sizeAt(k));
        this.sendFill(i, o.id, p, take, Liquidity.taker, at);
        left -= take;
      }
    }
    if (left <= 1e-12) {
      this.forget(o.id);
      return;
    }
    if (market || o.tif === TimeInForce.IOC || o.tif === TimeInForce.FOK) {
      this.end(i, o.id, 'expired', market ? 'market order: not enough depth' : 'immediate-or-cancel remainder', at);
      return;
    }
    const r: Resting = { id: o.id, side, postOnly: o.postOnly, price, open: left, filled: filled + qty - left, ahead: 0, tradedSinceDepth: 0 };
    this.queue.join(r, book.depthAt(side, price));
    this.resting[i].push(r);
  }

  private end(i: number, id: string, kind: 'expired' | 'cancelled', reason: string, at: number): void {
    this.forget(id);
    this.report(i, at, { kind, orderId: id, reason });
  }

  /** Resting orders the opposite side has moved onto or through fill at their price. */
  private matchCrossed(i: number, at: number): void {
    const list = this.resting[i];
    if (list.length === 0) return;
    const book = this.book(i);
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
    for (let k = 0; k < stops.length; k++) {
      const o = stops[k];
      if (sideSign(o.side) === 1 ? price < o.stopPrice : price > o.stopPrice) continue;
      removeAt(stops, k--);
      this.report(i, at, { kind: 'triggered', orderId: o.id });
      this.place(i, o, o.type === OrderType.stop ? Number.NaN : o.price, o.qty, at);
    }
  }

  /** Fills part of a resting order (removing it when done). */
  private fill(i: number, r: Resting, qty: number, price: number, liquidity: Liquidity, at: number): void {
    if (qty <= 0) return;
    this.sendFill(i, r.id, price, qty, liquidity, at);
    r.open -= qty;
    r.filled += qty;
    if (r.open <= 1e-12) {
      removeItem(this.resting[i], r);
      this.forget(r.id);
    }
  }

  private sendFill(i: number, orderId: string, price: number, qty: number, liquidity: Liquidity, at: number): void {
    const fee = this.o.fees.fee(this.o.instruments[i], qty, price, liquidity);
    this.report(i, at, { kind: 'fill', orderId, price, qty, fee, liquidity });
  }
}

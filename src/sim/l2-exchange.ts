import { L2BookKeeper } from '../book/book-keeper.ts';
import type { L2Book } from '../book/l2-book.ts';
import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import { Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { OrderType, RejectReason, Side, sideSign, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import type { OrderAmendment, VenueEvent } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import type { FeeModel } from './fee-model.ts';
import { riskAverseQueue, type QueueModel, type QueuePosition } from './queue-model.ts';
import { packedMap, removeAt, removeItem } from '../core/array-edit.ts';

export interface L2ExchangeOptions {
  instruments: readonly Instrument[];
  fees: FeeModel;
  queue?: QueueModel;
  /** Reject orders whose opening part needs more cash than the account holds (checked on arrival; see fill-cash.ts). */
  checkCash?: boolean;
  /** Cash-settled shorts: see BarBrokerOptions.shortMargin (default 0). */
  shortMargin?: number;
  /** A replace that only lowers the quantity at the same price keeps queue priority (default true). */
  keepPriorityOnDecrease?: boolean;
  /**
   * The books to match against: the exchange applies every replayed delta (through their
   * crossed-book policy) and quote to them. A session passes the books its strategy reads, so each delta
   * is applied once and the venue and the strategy see one book. Default: books of its own
   * (policy `ignore`).
   */
  books?: L2BookKeeper;
}

/** A request as it reaches the exchange. */
export type ExchangeRequest =
  | { kind: 'submit'; order: OrderSnapshot }
  | { kind: 'cancel'; id: string; slot: number }
  | { kind: 'replace'; id: string; slot: number; terms: OrderAmendment };

/** How the exchange answers: an event about an order of instrument slot `slot`, made at exchange time `at`. */
export type ExchangeAnswer = (slot: number, at: number, event: VenueEvent) => void;

/**
 * An order resting in the exchange's book: what the exchange still reads of it, copied from its
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

const noFee = (): number => 0;

/**
 * The exchange side of the simulated L2 venue, after hftbacktest's exchange processor: its
 * book per instrument built from the replayed deltas (or quotes), requests acting when they
 * arrive, market orders that walk the book, crossing limits that take liquidity up to their
 * price, and resting orders that wait in their level's queue (queue model) until trades or
 * the book move through them. The simulated orders do not change the replayed book (no
 * market impact). Every answer goes out through `report` at the exchange time it is made;
 * how long it takes to reach the strategy is the venue's business (l2-venue.ts).
 */
export class L2Exchange {
  /** The books this exchange applies the replayed deltas to (see L2ExchangeOptions.books). */
  readonly books: L2BookKeeper;
  private account!: Portfolio;
  private readonly slotOf = new Map<string, number>();
  private readonly resting: Resting[][];
  private readonly stops: OrderSnapshot[][];
  private readonly queue: QueueModel;
  /** Instrument slot of every order sent, when there are several (cancels and replaces name only the order). */
  private readonly instrumentOf = new Map<string, number>();

  constructor(private readonly o: L2ExchangeOptions, private readonly report: ExchangeAnswer) {
    o.instruments.forEach((inst, i) => this.slotOf.set(inst.id, i));
    this.books = o.books ?? new L2BookKeeper(o.instruments.length, 'ignore');
    this.resting = packedMap(o.instruments, () => []);
    this.stops = packedMap(o.instruments, () => []);
    this.queue = o.queue ?? riskAverseQueue;
  }

  bind(account: Portfolio): void {
    this.account = account;
  }

  /** The exchange-side book of instrument slot `i`. */
  book(i: number): L2Book {
    return this.books.book(i);
  }

  /** Instrument slot of an order about to be sent (remembered when there are several instruments). */
  slotOfNew(order: OrderSnapshot): number {
    const slot = this.slotOf.get(order.instrumentId)!;
    if (this.o.instruments.length > 1) this.instrumentOf.set(order.id, slot);
    return slot;
  }

  /** Instrument slot of an order this exchange was sent (every cancel/replace follows a submit). */
  slotOfOrder(orderId: string): number {
    return this.o.instruments.length === 1 ? 0 : this.instrumentOf.get(orderId) ?? 0;
  }

  /** A replayed delta: applied to the book; the queue ahead of resting orders at its level moves; orders the book moved onto fill. */
  onBookDelta(d: BookDeltaView): void {
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
  }

  /** A quote (quote-only data): resting orders it moves onto fill. */
  onQuote(q: QuoteView): void {
    const i = q.instrumentIndex;
    this.books.applyQuote(q); // quote-only data: the quotes are the book
    if (this.resting[i].length > 0) this.matchCrossed(i, q.ts);
  }

  /** A trade print: stops it reaches trigger; resting orders it trades through, or at whose price it clears the queue ahead, fill. */
  onTrade(t: TradeView): void {
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
  }

  /** A request reaches the exchange at exchange time `at`. */
  arrive(a: ExchangeRequest, at: number): void {
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

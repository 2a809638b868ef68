import type { L2BookKeeper } from '../book/book-keeper.ts';
import type { L2Book } from '../book/l2-book.ts';
import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import { OrderType, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import type { Clock } from '../engine/clock.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueCapabilities, VenueEvent } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import { constantLatency, type LatencyModel } from './latency-model.ts';
import { DueQueue } from './due-queue.ts';
import { L2Exchange, type ExchangeRequest, type L2ExchangeOptions } from './l2-exchange.ts';
import { packedMap } from '../core/array-edit.ts';

export interface L2VenueOptions extends L2ExchangeOptions {
  /** Local clock (time the strategy acts). */
  clock: Clock;
  latency?: LatencyModel;
  /** Per instrument slot (one venue per instrument): overrides `latency` where given. */
  latencyBySlot?: readonly (LatencyModel | undefined)[];
}

/** What the venue needs of any event: its exchange and local times. */
interface Stamped { readonly ts: number; readonly tsLocal: number }

/** What this venue carries: everything but DAY expiry and reduce-only, which the engine emulates. */
const L2_CAPABILITIES: VenueCapabilities = Object.freeze({
  orderTypes: new Set(Object.values(OrderType)),
  timeInForce: new Set([TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK]),
  postOnly: true,
  reduceOnly: false,
  reservesBalance: false,
});

/**
 * A simulated exchange on L2 data, after hftbacktest, as the strategy's side sees it: the
 * exchange (l2-exchange.ts: books, queues, matching) with requests that reach it after the
 * entry latency and answers that come back after the response latency, both per instrument
 * slot and in order (a connection never lets a later request overtake). Every replayed
 * event first lets the requests due by its exchange time act, then goes to the exchange,
 * then delivers the answers due by its local time.
 */
export class L2Venue implements ExecutionClient {
  readonly capabilities = L2_CAPABILITIES;
  /** The books this venue applies the replayed deltas to (see L2ExchangeOptions.books). */
  readonly books: L2BookKeeper;
  private readonly exchange: L2Exchange;
  private sink!: OrderEventSink;
  /** Requests by the exchange time they arrive. */
  private readonly actions = new DueQueue<ExchangeRequest>();
  /** Answers by the local time they reach the strategy. */
  private readonly outbox = new DueQueue<VenueEvent>();
  private readonly latencies: LatencyModel[];
  /**
   * Per instrument slot (one venue each): when the last request arrives and the last answer
   * is delivered. A connection keeps order, so a varying latency never overtakes.
   */
  private readonly lastArrival: Float64Array;
  private readonly lastDelivery: Float64Array;
  /** Latest exchange time seen. */
  private exchNow = -Infinity;

  constructor(private readonly o: L2VenueOptions) {
    this.exchange = new L2Exchange(o, (i, at, event) => this.report(i, at, event));
    this.books = this.exchange.books;
    const latency = o.latency ?? constantLatency(0, 0);
    this.latencies = packedMap(o.instruments, (_, i) => o.latencyBySlot?.[i] ?? latency);
    this.lastArrival = new Float64Array(o.instruments.length).fill(-Infinity);
    this.lastDelivery = new Float64Array(o.instruments.length).fill(-Infinity);
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.sink = sink;
    this.exchange.bind(account);
  }

  /** The exchange-side book of instrument slot `i`. */
  book(i: number): L2Book {
    return this.exchange.book(i);
  }

  submit(order: OrderSnapshot): Refusal | null {
    const slot = this.exchange.slotOfNew(order);
    this.actions.push(this.arrival(slot), { kind: 'submit', order });
    return null;
  }

  cancel(orderId: string): void {
    const slot = this.exchange.slotOfOrder(orderId);
    this.actions.push(this.arrival(slot), { kind: 'cancel', id: orderId, slot });
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    const slot = this.exchange.slotOfOrder(orderId);
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

  onBookDelta(d: BookDeltaView): void {
    this.catchUp(d);
    this.exchange.onBookDelta(d);
    this.deliverDue(d);
  }

  onQuote(q: QuoteView): void {
    this.catchUp(q);
    this.exchange.onQuote(q);
    this.deliverDue(q);
  }

  onTrade(t: TradeView): void {
    this.catchUp(t);
    this.exchange.onTrade(t);
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
      this.exchange.arrive(a, this.exchNow);
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
}

import { assert } from '../core/assert.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { OrderEventKind, type OrderEvent } from '../core/order-event.ts';
import { answersRequest, cancelBlocked, isTerminal, replaceBlocked } from '../core/order-lifecycle.ts';
import {
  EmulatedFeature, NO_FEATURES, OrderStatus, OrderType, RejectReason, sideSign, TimeInForce,
  type ModifyResult, type Order, type OrderChanges, type OrderRequest, type SubmitResult,
} from '../core/order.ts';
import type { Clock } from './clock.ts';
import type { ExecutionClient, OrderEventSink, LifecycleEvent, Refusal, VenueCapabilities, VenueEvent } from './execution-client.ts';
import type { Logger } from './logger.ts';
import { OrderEmulator } from './order-emulator.ts';
import { EmulationBridge } from './emulation-bridge.ts';
import { OrderRegistry, type TrackedOrder } from './order-registry.ts';
import { routerFor, venueCopy, type OrderRouter } from './order-routing.ts';
import { OrderAdmission, type PreTradeCheck } from './order-admission.ts';
import { RejectionLog } from './rejection-log.ts';
import { FillLog } from './fill-log.ts';
import { idNumber, IdWriter } from './id-column.ts';
import type { Portfolio } from './portfolio.ts';
import type { RiskEngine } from './risk-engine.ts';
import { TradingMode, type TradingState } from './trading-state.ts';
import { anyValues, truncate } from '../core/array-edit.ts';

/** Who hears about order events and fills besides the strategy (journals, recorders, tests). */
export interface OrderListener {
  order?(event: OrderEvent): void;
  fill?(fill: Fill): void;
}

/** What the order flow is given by the engine that owns it. */
export interface OrderFlowOptions {
  readonly instruments: readonly Instrument[];
  readonly slotOf: ReadonlyMap<string, number>;
  readonly portfolio: Portfolio;
  readonly venue: ExecutionClient;
  /** The venue's capabilities as this run uses them (features to emulate already removed). */
  readonly capabilities: VenueCapabilities;
  readonly clock: Clock;
  readonly log: Logger;
  readonly state: TradingState;
  readonly risk: RiskEngine | undefined;
  readonly checks: readonly PreTradeCheck[];
  readonly prefix: string;
  /** The equity curve (a fill remembers where on it it happened: its points so far). */
  readonly equity: { readonly length: number };
  /** Strategy callbacks for fills and order events. */
  readonly onFill: ((fill: Fill) => void) | undefined;
  readonly onOrder: ((event: OrderEvent) => void) | undefined;
  /**
   * An event the lifecycle does not allow: `throw` (backtests and tests: a bug) or `log`
   * (live: logged, and the venue client asked to re-read the order).
   */
  readonly onIllegal: 'throw' | 'log';
  /** Prices and quantities off the grid: moved onto it (never more aggressive) or refused. */
  readonly offGrid: 'round' | 'refuse';
  /** Keep every order and fill for the result (false: see EngineOptions.keepRecords). */
  readonly keepRecords: boolean;
}

type Queued = VenueEvent | OrderEvent;

/**
 * The order path of the engine: strategy commands out (validated, risk-checked, routed
 * to the venue or the emulator) and venue events in (applied through the lifecycle on the
 * engine's own order objects, fills booked in the portfolio, the strategy told). Events
 * never re-enter a strategy callback: while one runs, they queue and are applied in
 * arrival order when it returns.
 */
export class OrderFlow implements OrderEventSink {
  readonly registry: OrderRegistry;
  /** The run's fills (none when it keeps no records; older ones handed to a result sink, when it has one). */
  readonly fills: FillLog;
  /** Fills booked (the log above may have handed older ones to a result sink). */
  private fillCount = 0;
  readonly emulator: OrderEmulator;
  private readonly listeners: OrderListener[] = [];
  private readonly queue: Queued[] = anyValues();
  private dispatching = false;
  /** Anyone hears order events (the strategy's onOrder or a listener): only then are they built. */
  private wantsEvents: boolean;
  private seq = 0;
  /** How an order reaches this run's venue (see routerFor). */
  private readonly route: OrderRouter;
  /** Writes the ids of the orders this flow issues. */
  private readonly ids: IdWriter;
  /** Events the lifecycle refused (live sessions log them instead of failing). */
  illegalEvents = 0;
  /** Orders refused (by the engine or the venue), by reason. */
  readonly rejections = new RejectionLog();
  /** Grid, validity, reduce-only, risk and pre-trade checks of every request (and its off-grid counts). */
  readonly admission: OrderAdmission;
  /** What the engine does at the venue for the orders it emulates features of (the emulator's host). */
  readonly emulation: EmulationBridge;

  constructor(private readonly o: OrderFlowOptions) {
    this.registry = new OrderRegistry(o.keepRecords, o.prefix);
    this.fills = new FillLog(o.prefix);
    // Field by field, not `{ ...o, open }`: from a process's tenth run on, the spread's object took
    // a new map in every run, and each run's admission and submit code was compiled again (deopt).
    this.admission = new OrderAdmission({ instruments: o.instruments, portfolio: o.portfolio, risk: o.risk, checks: o.checks, offGrid: o.offGrid, open: this.registry.open });
    this.emulation = new EmulationBridge(this, o.venue, o.portfolio);
    this.emulator = new OrderEmulator(o.instruments.length, this.emulation);
    this.wantsEvents = o.onOrder !== undefined;
    this.ids = new IdWriter(o.prefix);
    this.route = routerFor(o.capabilities);
  }

  /** Adds a listener for every order event and fill. */
  listen(l: OrderListener): void {
    this.listeners.push(l);
    this.wantsEvents = true;
  }

  // ---- dispatch: no re-entry into strategy code -----------------------------------

  /** Runs strategy code: events raised meanwhile queue and are applied after it, in order. */
  enter(): boolean {
    const outer = this.dispatching;
    this.dispatching = true;
    return outer;
  }

  leave(outer: boolean): void {
    if (outer) return;
    this.dispatching = false;
    if (this.queue.length > 0) this.drain();
  }

  onVenueEvent(e: VenueEvent): void {
    if (this.dispatching) {
      this.queue.push(e);
      return;
    }
    this.dispatching = true;
    this.process(e);
    this.dispatching = false;
    if (this.queue.length > 0) this.drain();
  }

  private drain(): void {
    this.dispatching = true;
    for (let k = 0; k < this.queue.length; k++) this.process(this.queue[k]);
    truncate(this.queue, 0);
    this.dispatching = false;
  }

  private process(q: Queued): void {
    if ((q as OrderEvent).order !== undefined) this.deliver(q as OrderEvent);
    else this.apply(q as VenueEvent);
  }


  private deliver(e: OrderEvent): void {
    this.o.onOrder?.(e);
    for (const l of this.listeners) l.order?.(e);
  }

  /** Queues a strategy-visible event raised by a command (delivered after the current callback). */
  private announce(t: TrackedOrder, kind: OrderEventKind, reason?: string): void {
    if (!this.wantsEvents) return;
    const e: OrderEvent = reason === undefined
      ? { kind, order: t.order, status: t.order.status, ts: this.o.clock.now() }
      : { kind, order: t.order, status: t.order.status, ts: this.o.clock.now(), reason };
    if (this.dispatching) this.queue.push(e);
    else this.deliver(e);
  }

  // ---- venue events in ----------------------------------------------------------------

  private apply(e: VenueEvent): void {
    if (e.kind === 'fee') return this.chargeFee(e.orderId, e.fee);
    const t = this.registry.get(e.orderId);
    if (t === undefined) {
      if (!this.answerToEnded(e)) this.illegal(e, 'no such order');
      return;
    }
    if (t.releasing && e.kind === 'accepted') {
      t.releasing = false; // the emulator already told the strategy it was accepted
      return;
    }
    if (t.endAs !== null && (e.kind === 'cancelled' || e.kind === 'cancel-rejected')) {
      const as = t.endAs;
      t.endAs = null;
      if (e.kind === 'cancel-rejected') return; // the engine's own cancel came too late: nothing to report
      e = as.kind === 'expired' ? { kind: 'expired', orderId: e.orderId, reason: as.reason } : { kind: 'cancelled', orderId: e.orderId, reason: as.reason };
    }
    const o = t.order;
    let complete = false;
    if (e.kind === 'fill') {
      if (!(e.qty > 0 && o.filledQty + e.qty <= o.qty * (1 + 1e-9))) return this.illegal(e, `overfill: ${o.filledQty} + ${e.qty} of ${o.qty}`);
      complete = o.filledQty + e.qty >= o.qty * (1 - 1e-9);
    }
    if (e.kind === 'updated' && !(e.qty > o.filledQty)) return this.illegal(e, `updated to ${e.qty}, at or below the filled ${o.filledQty}`);
    const ts = this.o.clock.now();
    const outcome = this.registry.apply(t, e, ts, complete);
    if (outcome === 'illegal') return this.illegal(e, `not allowed in status ${o.status}`);
    if (o.emulated.length > 0 && isTerminal(t.working)) this.emulator.forget(t);
    if (e.kind === 'rejected') this.rejections.add(ts, o.id, e.reason, `rejected by the venue: ${e.reason}`);
    if (e.kind === 'fill') this.book(t, e, ts, complete);
    else if (this.wantsEvents) this.deliver(this.eventOf(t, e, ts));
  }

  /** A fee reported after its fill: the account pays it, and the order's record (and the object late answers find) counts it. */
  private chargeFee(orderId: string, fee: number): void {
    this.registry.log.addFee(orderId, fee);
    const ended = this.registry.getEnded(orderId); // its record is in the log's columns; this object still answers late events
    if (ended !== undefined) ended.order.fees += fee;
    this.o.portfolio.chargeFee(fee);
  }

  /**
   * True for the answer to a cancel or replace of an order of ours that ended long enough ago
   * to have left the registry (see ENDED_KEPT): too late, so it changes nothing (logged at debug).
   */
  private answerToEnded(e: LifecycleEvent): boolean {
    if (!answersRequest(e.kind) || !this.issuedHere(e.orderId)) return false;
    this.o.log.debug('answer to a request of an order that ended earlier: nothing to change', { orderId: e.orderId, kind: e.kind });
    return true;
  }

  private eventOf(t: TrackedOrder, e: Exclude<VenueEvent, { kind: 'fill' }>, ts: number): OrderEvent {
    const reason = 'reason' in e ? e.reason : undefined;
    const kind = e.kind as OrderEventKind;
    return reason === undefined ? { kind, order: t.order, status: t.order.status, ts } : { kind, order: t.order, status: t.order.status, ts, reason };
  }

  /** Books a fill: portfolio, fill record, strategy, then emulated reduce-only upkeep. */
  private book(t: TrackedOrder, e: Extract<VenueEvent, { kind: 'fill' }>, ts: number, complete: boolean): void {
    const o = t.order;
    this.o.portfolio.applyFill(t.slot, sideSign(o.side) * e.qty, e.price, e.fee, ts, this.o.equity.length, o.tag ?? '');
    const seq = ++this.fillCount;
    if (this.o.keepRecords) this.fills.push(o.id, o.instrumentId, o.side, e.price, e.qty, e.fee, e.liquidity, ts, t.seq);
    if (this.o.onFill !== undefined || this.wantsEvents) this.tellFill(o, seq, e, ts, complete); // else no fill object is built
    this.emulator.afterFill(t.slot);
  }

  /** The fill as an object, to the strategy's onFill, its onOrder and the listeners. */
  private tellFill(o: Order, seq: number, e: Extract<VenueEvent, { kind: 'fill' }>, ts: number, complete: boolean): void {
    const fill: Fill = { seq, orderId: o.id, instrumentId: o.instrumentId, side: o.side, price: e.price, qty: e.qty, fee: e.fee, liquidity: e.liquidity, ts };
    this.o.onFill?.(fill);
    if (!this.wantsEvents) return;
    const kind = complete ? OrderEventKind.filled : OrderEventKind.partiallyFilled;
    this.deliver({ kind, order: o, status: o.status, ts, fill });
    for (const l of this.listeners) l.fill?.(fill);
  }

  private illegal(e: VenueEvent, why: string): void {
    const message = `order event ${e.kind} for ${e.orderId}: ${why}`;
    if (this.o.onIllegal === 'throw') assert(false, message);
    this.illegalEvents++;
    this.o.log.error('venue event refused by the order lifecycle; asking the venue for the order', { orderId: e.orderId, kind: e.kind, why });
    this.o.venue.reconcile?.(e.orderId);
  }

  // ---- commands out --------------------------------------------------------------------

  submit(req: OrderRequest): SubmitResult {
    const outer = this.enter();
    const r = this.submitNow(req);
    this.leave(outer);
    return r;
  }

  /** Sends an order although trading is halted, past the risk limits: the kill switch's flatten orders only. */
  submitPastHalt(req: OrderRequest): SubmitResult {
    const outer = this.enter();
    const r = this.submitNow(req, true);
    this.leave(outer);
    return r;
  }

  cancel(orderId: string): ModifyResult {
    const outer = this.enter();
    const r = this.cancelNow(orderId);
    this.leave(outer);
    return r;
  }

  replace(orderId: string, changes: OrderChanges): ModifyResult {
    const outer = this.enter();
    const r = this.replaceNow(orderId, changes);
    this.leave(outer);
    return r;
  }

  /** Follows an order already resting at the venue (start-up reconciliation): open, not sent again. */
  adopt(order: Order): void {
    if (this.registry.get(order.id)) return;
    const slot = this.o.slotOf.get(order.instrumentId);
    assert(slot !== undefined, `adopted order ${order.id} is for unknown instrument ${order.instrumentId}`);
    this.registry.add(order, slot);
  }

  private submitNow(request: OrderRequest, pastHalt = false): SubmitResult {
    const id = typeof request.instrument === 'object' ? request.instrument.id : request.instrument;
    const i = id === undefined && this.o.instruments.length === 1 ? 0 : this.o.slotOf.get(id ?? '');
    if (i === undefined) return this.refused({ reason: RejectReason.unknownInstrument, message: `unknown instrument "${String(id)}"` });
    const stopped = pastHalt ? null : this.o.state.refusal();
    if (stopped !== null) {
      // Orders decided on warm-up history are the strategy's business, not refusals of the session.
      if (this.o.state.mode === TradingMode.warmingUp) return { ok: false, reason: RejectReason.halted, message: stopped };
      return this.refused({ reason: RejectReason.halted, message: stopped });
    }
    const req = this.admission.request(request, i);
    if ('reason' in req) return this.refused(req);
    const order = this.newOrder(req, this.o.instruments[i].id);
    const route = this.route(order, req.emulate === true);
    const refused = Array.isArray(route) ? (pastHalt ? null : this.admission.preTrade(order, i)) : (route as Refusal);
    if (refused) return this.refuse(order, this.seq, refused);
    order.emulated = route as readonly EmulatedFeature[];
    const t = this.registry.add(order, i, this.seq);
    this.announce(t, OrderEventKind.submitted);
    if (order.emulated.length > 0 && this.emulator.adopt(t, order.emulated)) return { ok: true, order };
    const venueRefusal = this.o.venue.submit(venueCopy(order, order.type));
    if (venueRefusal) this.onVenueEvent({ kind: 'rejected', orderId: order.id, reason: venueRefusal.reason });
    return venueRefusal ? { ok: false, reason: venueRefusal.reason, message: venueRefusal.message } : { ok: true, order };
  }

  private newOrder(req: OrderRequest, instrumentId: string): Order {
    const now = this.o.clock.now();
    return {
      id: this.ids.id(++this.seq), instrumentId, side: req.side, type: req.type ?? OrderType.market,
      tif: req.tif ?? TimeInForce.GTC, postOnly: req.postOnly ?? false, reduceOnly: req.reduceOnly ?? false,
      qty: req.qty, price: req.price ?? Number.NaN, stopPrice: req.stopPrice ?? Number.NaN,
      status: OrderStatus.submitted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: now, updatedTs: now,
      reason: undefined, tag: req.tag, emulated: NO_FEATURES,
    };
  }

  private refuse(order: Order, seq: number, r: Refusal): SubmitResult {
    order.status = OrderStatus.rejected;
    order.reason = r.reason;
    this.registry.addRefused(order, seq);
    return this.refused(r, order.id);
  }

  /** A refused order request, counted. */
  private refused(r: Refusal, orderId = ''): SubmitResult {
    this.rejections.add(this.o.clock.now(), orderId, r.reason, r.message);
    return { ok: false, reason: r.reason, message: r.message };
  }

  private cancelNow(orderId: string): ModifyResult {
    const t = this.registry.getOpen(orderId);
    if (t === undefined) return this.notOpen(orderId);
    const blocked = cancelBlocked(t);
    if (blocked === 'pending') return { ok: false, reason: RejectReason.requestPending, message: `a cancel of ${orderId} is already on its way` };
    t.pendingCancel = true;
    this.registry.refresh(t);
    this.announce(t, OrderEventKind.pendingCancel);
    if (this.emulator.holds(t)) this.emulator.cancel(t, 'cancelled');
    else this.o.venue.cancel(orderId);
    return { ok: true, order: t.order };
  }

  private replaceNow(orderId: string, changes: OrderChanges): ModifyResult {
    const t = this.registry.getOpen(orderId);
    if (t === undefined) return this.notOpen(orderId);
    const blocked = replaceBlocked(t);
    if (blocked === 'not-acknowledged') return { ok: false, reason: RejectReason.notAcknowledged, message: `order ${orderId} is not acknowledged by the venue yet` };
    if (blocked === 'pending') return { ok: false, reason: RejectReason.requestPending, message: `a replace or cancel of ${orderId} is already on its way` };
    const terms = this.admission.amendment(t.order, t.slot, changes);
    if ('reason' in terms) return { ok: false, ...terms };
    t.pendingUpdate = true;
    t.pending = terms;
    this.registry.refresh(t);
    this.announce(t, OrderEventKind.pendingUpdate);
    if (this.emulator.holds(t)) {
      this.emulator.replace(t, terms);
      return { ok: true, order: t.order };
    }
    const refused = this.o.venue.replace(orderId, terms);
    if (refused) this.onVenueEvent({ kind: 'update-rejected', orderId, reason: refused.reason });
    return refused ? { ok: false, ...refused } : { ok: true, order: t.order };
  }

  private notOpen(orderId: string): ModifyResult {
    const t = this.registry.get(orderId);
    // Rare path: a scan of every order only when the id is not among the recent ones.
    const known = t?.order ?? this.registry.log.find(orderId);
    if (known) return { ok: false, reason: RejectReason.notOpen, message: `order ${orderId} is ${known.status}` };
    // One of ours that ended long ago (a long run hands ended orders to its result sink): still "not open", as in any other run.
    if (this.issuedHere(orderId)) return { ok: false, reason: RejectReason.notOpen, message: `order ${orderId} ended earlier in the run` };
    return { ok: false, reason: RejectReason.unknownOrder, message: `no order ${orderId}` };
  }

  /** What the venue carries, as this run uses it. */
  get capabilities(): VenueCapabilities {
    return this.o.capabilities;
  }

  /** True when `id` is one this flow issued (its prefix and a number it has reached). */
  private issuedHere(id: string): boolean {
    const n = idNumber(id, this.o.prefix);
    return n >= 1 && n <= this.seq;
  }
}

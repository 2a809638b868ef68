import type { Instrument } from '../core/instrument.ts';
import { RejectReason, type Order, type OrderSnapshot } from '../core/order.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueCapabilities, VenueEvent } from '../engine/execution-client.ts';
import type { Logger } from '../engine/logger.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import { ccxtCapabilities, ccxtOrderArgs } from './ccxt-capabilities.ts';
import { ccxtMessage, CcxtFailure, classifyCcxtError } from './ccxt-errors.ts';
import { currentLeg, FollowedOrders, newLeg, type Leg, type Tracked } from './ccxt-followed-orders.ts';
import type { CcxtOrder, CcxtTrading } from './ccxt-order.ts';
import { TradeFees } from './trade-fees.ts';
import { FeeAssets, tickerPricing } from './fee-assets.ts';
import { TradeReader } from './trade-reader.ts';
import { StrayCheck, type StrayOrder } from './venue-audit.ts';

export interface CcxtExecutionOptions {
  /** REST polling period while no private stream is up (ms, default 100). */
  pollMillis?: number;
  /** REST polling period while the stream is up: the safety net (ms, default 2,000). */
  streamPollMillis?: number;
  /** Attempts of a cancel before the client reports it could not cancel (default 5). */
  cancelAttempts?: number;
  /** Period of the check of the exchange's open orders for strays during the session (ms, default 30,000; see `audit`). */
  auditMillis?: number;
  /**
   * An error that is not ccxt's (a bug, e.g. an engine invariant) met while routing an
   * order: never treated as a venue answer. Default: rethrown outside the promise chain,
   * so the process fails loudly.
   */
  onInternalError?: (e: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Live order routing through ccxt, speaking the engine's command/event protocol. Orders go
 * out as the venue's native types (see `ccxtCapabilities`; the engine emulates the rest)
 * with the engine's id as client order id, and are followed through the private order
 * stream (ccxt.pro `watchOrders`) with REST polling as the safety net; every update is
 * cumulative, so whichever source reports first, each fill is reported once; commissions
 * come from the exchange's trades, each once by trade id (see `TradeFees`). Failures are
 * told apart by ccxt's exception classes: a refusal becomes `rejected`, while an unknown
 * outcome (timeout, lost reply, disconnect) is never resent blindly — the order is looked
 * up by client id, and sent again only once the venue provably does not have it (Binance:
 * not found after the request's `recvWindow` has passed, when it could no longer arrive).
 * A cancel asked before the exchange has acknowledged the order waits for the
 * acknowledgement and is then sent; it is never dropped. A replace is cancel-then-submit:
 * the new order is sized from the old one's final filled quantity, so fills racing the
 * replace can never make the order larger than asked. Errors that are not ccxt's (bugs)
 * are rethrown, never turned into venue answers.
 */
export class CcxtExecution implements ExecutionClient {
  readonly capabilities: VenueCapabilities;
  private sink!: OrderEventSink;
  private readonly orders: FollowedOrders;
  /** Where commissions come from when the exchange lists trades (else from the order reports). */
  private readonly trades: TradeReader | null;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Commands (submit, cancel, replace, reconcile) still working, polls not counted. */
  private commands = 0;
  /** When the commands now in flight started waiting (the first of them). */
  private waitingSince = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private streaming = false;
  private closed = false;
  private polling = false;
  private lastPoll = 0;
  private readonly o: Required<Omit<CcxtExecutionOptions, 'onInternalError'>>;
  private readonly onInternalError: (e: unknown) => void;
  /** True while the private order stream delivers. */
  streamUp = false;
  /** Order updates taken from the stream / from REST polls (for tests and diagnostics). */
  readonly updates = { stream: 0, poll: 0 };
  /** Orders whose outcome was still unknown when the client closed. */
  readonly unresolved = new Set<string>();
  /** The check of the exchange's open orders for orders this client sent and counts as ended. */
  private readonly strayCheck: StrayCheck;
  /** The kill switch tripped: nothing new is sent; cancels go out as one cancel-all. */
  private halted = false;
  private readonly killCancels = new Set<string>();
  private cancelAllQueued = false;
  /** When the next order request may leave (the venue's request spacing, kept here so that queued requests can be dropped). */
  private nextSend = 0;
  /** Wall time (ms) of the last answer from the venue's REST API, of any kind. */
  lastContact = Date.now();
  /** What the commissions were charged in (base asset and other assets' quantities). */
  private readonly feeAssets: FeeAssets;

  constructor(
    private readonly ex: CcxtTrading,
    private readonly symbol: string,
    private readonly instrument: Instrument,
    private readonly log: Logger,
    options: CcxtExecutionOptions = {},
  ) {
    const lateFee = (orderId: string, fee: number): boolean => {
      if (this.closed) return false;
      this.emit({ kind: 'fee', orderId, fee });
      return true;
    };
    this.feeAssets = new FeeAssets(symbol, log, ex.fetchTicker ? tickerPricing(ex.fetchTicker.bind(ex), lateFee) : null);
    // Commissions from the exchange's trades where it lists them (see TradeFees), else from the order reports.
    const fees = ex.has?.fetchMyTrades === true ? new TradeFees((e) => this.emit(e), this.feeAssets) : null;
    this.trades = fees === null ? null : new TradeReader(ex, symbol, fees, log, () => { this.lastContact = Date.now(); });
    this.orders = new FollowedOrders((e) => this.emit(e), this.feeAssets, fees);
    this.capabilities = ccxtCapabilities(ex, symbol);
    const { onInternalError, ...rest } = options;
    this.o = { pollMillis: 100, streamPollMillis: 2000, cancelAttempts: 5, auditMillis: 30_000, ...rest };
    this.onInternalError = onInternalError ?? ((e) => setImmediate(() => { throw e; }));
    this.strayCheck = new StrayCheck(ex, symbol, log, this.o.auditMillis);
  }

  bind(sink: OrderEventSink, _account: Portfolio): void {
    this.sink = sink;
    this.timer = setInterval(() => this.poll(), this.o.pollMillis);
    this.timer.unref?.();
    if (this.ex.watchOrders) {
      this.streaming = true;
      void this.streamOrders();
      this.trades?.startStream();
    }
  }

  /** Follows an order that already rests at the exchange (start-up reconciliation). */
  track(order: Order, exchangeId: string, filled: number): void {
    const leg: Leg = { ...newLeg(order.id), exchangeId, filled, cost: filled * (Number.isFinite(order.avgFillPrice) ? order.avgFillPrice : 0), tradeQty: filled, adoptedAt: Date.now() };
    const t: Tracked = { id: order.id, snap: { ...order }, legs: [leg], acked: true, triggered: false, cancelWanted: false, replacing: false, done: false };
    this.strayCheck.sent(leg);
    this.orders.follow(t);
  }

  submit(order: OrderSnapshot): Refusal | null {
    if (!this.capabilities.orderTypes.has(order.type)) return { reason: RejectReason.unsupportedOrderType, message: `${this.symbol}: the venue does not accept ${order.type} orders` };
    const leg = newLeg(order.id);
    const t: Tracked = { id: order.id, snap: order, legs: [leg], acked: false, triggered: false, cancelWanted: false, replacing: false, done: false, afterHalt: this.halted };
    this.strayCheck.sent(leg);
    this.orders.follow(t);
    this.run(async () => { await this.place(t, leg, order.qty); });
    return null;
  }

  cancel(orderId: string): void {
    const t = this.orders.get(orderId);
    if (t === undefined) {
      this.emit({ kind: 'cancel-rejected', orderId, reason: RejectReason.tooLate });
      return;
    }
    if (this.halted) {
      this.killCancel(t);
      return;
    }
    if (currentLeg(t).exchangeId === null || t.replacing) {
      t.cancelWanted = true;
      return;
    }
    this.run(() => this.cancelNow(t));
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    const t = this.orders.get(orderId);
    if (t === undefined || currentLeg(t).exchangeId === null) {
      this.emit({ kind: 'update-rejected', orderId, reason: t === undefined ? RejectReason.tooLate : RejectReason.notAcknowledged });
      return null;
    }
    t.replacing = true;
    this.run(() => this.replaceNow(t, terms));
    return null;
  }

  /**
   * Kill switch: orders still waiting for their send slot are dropped (reported rejected,
   * never sent); the cancels that follow go out as one cancel-all, then one by one for
   * what it did not cover (an order acknowledged after it, or one whose id arrives later).
   */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.log.warn('order routing halted: nothing new is sent');
  }

  private killCancel(t: Tracked): void {
    this.killCancels.add(t.id);
    if (this.cancelAllQueued) return;
    this.cancelAllQueued = true;
    queueMicrotask(() => this.run(() => this.cancelAllNow()));
  }

  private async cancelAllNow(): Promise<void> {
    if (this.ex.cancelAllOrders) {
      try {
        const cancelled = await this.ex.cancelAllOrders(this.symbol);
        this.lastContact = Date.now();
        for (const r of cancelled) {
          const hit = this.orders.find(r);
          if (hit !== undefined) this.orders.apply(hit[0], hit[1], { ...r, status: r.status ?? 'canceled' });
        }
        this.log.warn('kill switch: cancel-all sent', { cancelled: cancelled.length });
      } catch (e) {
        this.log.warn('kill switch: cancel-all failed; cancelling one by one', { error: ccxtMessage(this.classifyOrThrow(e)) });
      }
    }
    for (const id of this.killCancels) {
      const t = this.orders.get(id);
      if (t === undefined) continue;
      if (currentLeg(t).exchangeId === null || t.replacing) t.cancelWanted = true;
      else this.run(() => this.cancelNow(t));
    }
  }

  /** Re-reads an order from the venue (the engine saw an event it could not apply). */
  reconcile(orderId: string): void {
    const t = this.orders.get(orderId);
    if (t) this.run(() => this.refresh(t, currentLeg(t)));
  }

  /**
   * How long the venue has not answered while commands wait for it (ms; 0 when none does).
   * Orders merely resting are not waiting: a quiet market with quotes up is not an outage.
   */
  silentMillis(): number {
    return this.commands > 0 ? Math.max(0, Date.now() - Math.max(this.lastContact, this.waitingSince)) : 0;
  }

  /** Re-reads every open order from the venue (after an outage, before trading resumes). */
  async refreshOpen(): Promise<void> {
    await Promise.allSettled(this.orders.open().map((t) => this.refresh(t, currentLeg(t))));
  }

  /** Ids of the followed orders not known to have ended. */
  private stillOpen(): string[] {
    return this.orders.open().map((t) => t.id);
  }

  /** Fees the exchange charged in the base asset over the session (quantity). */
  get baseFees(): number {
    return this.feeAssets.base;
  }

  /** Fees the exchange charged in assets other than the base and the quote (quantities by asset). */
  get feesInOtherAssets(): Readonly<Record<string, number>> {
    return this.feeAssets.other;
  }

  /** Those of them not valued (no price read for their asset): quantities by asset, not in the session's fees or P&L. */
  get unvaluedFees(): Readonly<Record<string, number>> {
    return this.feeAssets.unvalued;
  }

  /** True when no command is still working (polls aside). */
  get idle(): boolean {
    return this.commands === 0;
  }

  /** Waits until every request in flight is answered and no followed order is open, or `timeoutMs` passed; returns the ids still open. */
  async settle(timeoutMs: number): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await Promise.allSettled([...this.inflight]);
      const open = this.orders.open();
      if (open.length === 0 && this.inflight.size === 0) return [];
      await Promise.allSettled(open.map((t) => this.refresh(t, currentLeg(t))));
      await sleep(20);
    }
    return this.stillOpen();
  }

  /**
   * Waits for every request in flight, takes a last look at every order, then stops polling
   * and streaming; returns the ids of orders still open after that look (a cancel whose answer
   * came after `settle` gave up is counted as it ended).
   */
  async close(): Promise<string[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.streaming = false;
    this.streamUp = false;
    this.closed = true;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.refreshOpen();
    this.trades?.stop();
    await Promise.allSettled((this.trades?.due(0) ?? []).map((id) => this.trades!.read(id))); // every fill's commission booked
    return this.stillOpen();
  }

  /**
   * After `close`: the exchange's open orders checked against what this client follows (see
   * `StrayCheck`); strays are cancelled when `cancel`. Returns every stray found, during
   * the session too.
   */
  async audit(cancel: boolean): Promise<StrayOrder[]> {
    await this.strayCheck.check(this.followedLegs(), cancel, Number.POSITIVE_INFINITY);
    return this.strayCheck.found();
  }

  /** Client ids of the legs this client counts as open. */
  private followedLegs(): Set<string> {
    return new Set(this.orders.open().flatMap((t) => t.legs.filter((l) => !l.final).map((l) => l.clientId)));
  }

  // ---- placing ------------------------------------------------------------------------

  /** Sends a leg; an unknown outcome is resolved by client id. Returns true when the leg is at the exchange. */
  private async place(t: Tracked, leg: Leg, qty: number): Promise<boolean> {
    if (!(await this.sendSlot(t, 'rejected'))) return false;
    const sentAt = Date.now();
    const a = ccxtOrderArgs(t.snap, leg.clientId);
    try {
      this.placed(t, leg, await this.ex.createOrder(this.symbol, a.type, t.snap.side, qty, a.price, a.params));
      this.lastContact = Date.now();
      return true;
    } catch (e) {
      const f = this.classify(e);
      if (f === CcxtFailure.unknown || f === CcxtFailure.duplicate) {
        this.log.warn('order outcome unknown; looking it up by client id', { id: leg.clientId, error: ccxtMessage(e) });
        return this.resolve(t, leg, qty, sentAt);
      }
      this.refused(t, f, e);
      return false;
    }
  }

  /**
   * Finds out whether the exchange has the leg: adopts it when found; sends it again only
   * when it is not found after the latest moment the first request could still have
   * arrived (`recvWindow` after it was signed, plus a margin for clock skew).
   */
  private async resolve(t: Tracked, leg: Leg, qty: number, sentAt: number): Promise<boolean> {
    const deadline = sentAt + Number(this.ex.options?.recvWindow ?? 5000) + 1000;
    for (let wait = 50; !this.closed; wait = Math.min(wait * 2, 1000)) {
      try {
        this.placed(t, leg, await this.ex.fetchOrder(undefined, this.symbol, { origClientOrderId: leg.clientId }));
        this.lastContact = Date.now();
        return true;
      } catch (e) {
        const f = this.classify(e);
        if (f === CcxtFailure.notFound && Date.now() > deadline) {
          this.log.warn('order provably not at the exchange; sending it again with the same client id', { id: leg.clientId });
          return this.place(t, leg, qty);
        }
      }
      await sleep(wait);
    }
    this.unresolved.add(t.id);
    this.log.error('order outcome still unknown at shutdown', { id: leg.clientId });
    return false;
  }

  /**
   * Waits for the order's turn under the venue's request spacing (when ccxt's limiter is
   * on, the queue is here rather than inside ccxt, where it could not be dropped). False
   * when the kill switch tripped meanwhile: the order is reported rejected, never sent.
   */
  private async sendSlot(t: Tracked, endAs: 'rejected' | 'cancelled'): Promise<boolean> {
    if (this.ex.enableRateLimit && (this.ex.rateLimit ?? 0) > 0) {
      const now = Date.now();
      const at = Math.max(now, this.nextSend);
      this.nextSend = at + this.ex.rateLimit!;
      if (at > now) await sleep(at - now);
    }
    if (!this.halted || t.afterHalt) return true;
    if (!t.done) this.orders.finish(t, { kind: endAs, orderId: t.id, reason: 'kill switch: not sent' });
    return false;
  }

  private placed(t: Tracked, leg: Leg, r: CcxtOrder): void {
    this.orders.atExchange(t, leg, r.id);
    for (const tr of r.trades ?? []) this.trades?.fees.apply(r.id, tr); // before its fills are reported: they carry these commissions
    if (!t.acked) {
      t.acked = true;
      this.emit({ kind: 'accepted', orderId: t.id });
    }
    this.orders.apply(t, leg, r);
    if (t.cancelWanted && !t.done && !t.replacing) {
      t.cancelWanted = false;
      this.run(() => this.cancelNow(t));
    }
  }

  private refused(t: Tracked, f: CcxtFailure, e: unknown): void {
    const reason = f === CcxtFailure.insufficientFunds ? RejectReason.insufficientCash
      : f === CcxtFailure.wouldTakeOrTrigger ? (t.snap.postOnly ? RejectReason.postOnlyWouldCross : 'stop-would-trigger-immediately')
        : `${RejectReason.venue}: ${ccxtMessage(e)}`;
    this.orders.finish(t, { kind: 'rejected', orderId: t.id, reason });
  }

  // ---- cancelling and replacing ----------------------------------------------------------

  private async cancelNow(t: Tracked): Promise<void> {
    const outcome = await this.cancelLeg(t, currentLeg(t));
    if (outcome === 'finished') this.emit({ kind: 'cancel-rejected', orderId: t.id, reason: RejectReason.tooLate });
    else if (outcome === 'failed') this.emit({ kind: 'cancel-rejected', orderId: t.id, reason: `${RejectReason.venue}: could not cancel after ${this.o.cancelAttempts} attempts` });
  }

  /**
   * Cancels the current leg and learns its final fills: `cancelled`, `finished` (it
   * ended by itself first: filled or expired), or `failed` (no answer after the attempts;
   * it may still rest, and polling keeps following it).
   */
  private async cancelLeg(t: Tracked, leg: Leg): Promise<'cancelled' | 'finished' | 'failed'> {
    for (let attempt = 0; attempt < this.o.cancelAttempts; attempt++) {
      if (t.done || leg.final) return 'finished';
      try {
        const r = await this.ex.cancelOrder(leg.exchangeId!, this.symbol);
        this.lastContact = Date.now();
        this.orders.apply(t, leg, r);
        return r.status === 'canceled' ? 'cancelled' : 'finished';
      } catch (e) {
        const f = this.classify(e);
        if (f !== CcxtFailure.unknown) await this.refresh(t, leg); // refused or not found: it may have ended
        else await sleep(50 * 2 ** attempt);
      }
    }
    return t.done || leg.final ? 'finished' : 'failed';
  }

  private async replaceNow(t: Tracked, terms: OrderAmendment): Promise<void> {
    const outcome = await this.cancelLeg(t, currentLeg(t));
    if (outcome !== 'cancelled') {
      t.replacing = false;
      if (outcome === 'failed') {
        this.emit({ kind: 'update-rejected', orderId: t.id, reason: `${RejectReason.venue}: the old order could not be cancelled` });
      } else {
        if (!t.done) this.orders.finishFromLeg(t); // it ended by itself meanwhile: report how
        this.emit({ kind: 'update-rejected', orderId: t.id, reason: RejectReason.tooLate });
      }
      if (t.cancelWanted && !t.done) {
        t.cancelWanted = false;
        await this.cancelNow(t);
      }
      return;
    }
    const filled = t.legs.reduce((n, l) => n + l.filled, 0);
    if (terms.qty - filled <= 1e-12) {
      this.orders.finish(t, { kind: 'cancelled', orderId: t.id, reason: 'replaced at or below the filled quantity' });
      return;
    }
    t.snap = Object.freeze({ ...t.snap, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice });
    if (!(await this.sendSlot(t, 'cancelled'))) return; // the old order is cancelled; its replacement is not sent
    const leg = newLeg(`${t.id}.${t.legs.length}`);
    t.legs.push(leg);
    this.strayCheck.sent(leg);
    this.orders.forgetClientId(leg.clientId); // known only once the exchange answers: no stream update before `updated`
    const a = ccxtOrderArgs(t.snap, leg.clientId);
    const sentAt = Date.now();
    try {
      const r = await this.ex.createOrder(this.symbol, a.type, t.snap.side, terms.qty - filled, a.price, a.params);
      this.replaced(t, terms);
      this.placed(t, leg, r);
    } catch (e) {
      const f = this.classify(e);
      if (f === CcxtFailure.unknown || f === CcxtFailure.duplicate) {
        this.log.warn('order outcome unknown; looking it up by client id', { id: leg.clientId, error: ccxtMessage(e) });
        this.replaced(t, terms);
        await this.resolve(t, leg, terms.qty - filled, sentAt);
        return;
      }
      this.orders.finish(t, { kind: 'cancelled', orderId: t.id, reason: `replace refused after the old order was cancelled: ${ccxtMessage(e)}` });
    }
  }

  private replaced(t: Tracked, terms: OrderAmendment): void {
    t.replacing = false;
    this.emit({ kind: 'updated', orderId: t.id, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice });
  }

  // ---- following orders -----------------------------------------------------------------

  /** Reads the private order stream until closed; reconnects with backoff (polling covers the gap). */
  private async streamOrders(): Promise<void> {
    let backoff = 100;
    while (this.streaming) {
      try {
        const updates = await this.ex.watchOrders!(this.symbol);
        if (!this.streaming) return;
        if (!this.streamUp) this.log.info('private order stream up');
        this.streamUp = true;
        this.lastContact = Date.now();
        backoff = 100;
        for (const r of updates) {
          const hit = this.orders.find(r);
          if (hit === undefined) continue;
          this.updates.stream++;
          this.orders.apply(hit[0], hit[1], r);
        }
      } catch (e) {
        if (!this.streaming) return;
        this.classify(e); // rethrows what is not a ccxt error (a bug)
        if (this.streamUp) this.log.warn('private order stream lost; polling until it is back', { error: ccxtMessage(e) });
        this.streamUp = false;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** One status round over the legs still open (skipped while the previous round runs); the stray check when due. */
  private poll(): void {
    const now = Date.now();
    // During the session a stray is cancelled at once (the strategy does not know it rests); only legs that ended
    // here over a second before the exchange is asked count: its list may predate an end learned just now.
    if (!this.halted && this.strayCheck.isDue(now)) this.run(() => this.strayCheck.check(this.followedLegs(), true, now - 1000), false);
    for (const id of this.trades?.due(1000) ?? []) this.run(() => this.trades!.read(id), false);
    if (this.polling) return;
    if (this.streamUp && now - this.lastPoll < this.o.streamPollMillis) return;
    this.lastPoll = now;
    this.polling = true;
    const round: Promise<void>[] = [];
    for (const [t, leg] of this.orders.legsAtExchange()) round.push(this.refresh(t, leg));
    this.run(() => Promise.allSettled(round).then(() => { this.polling = false; }), false);
  }

  private async refresh(t: Tracked, leg: Leg): Promise<void> {
    if (leg.exchangeId === null || leg.final) return;
    try {
      const r = await this.ex.fetchOrder(leg.exchangeId, this.symbol);
      this.lastContact = Date.now();
      this.updates.poll++;
      this.orders.apply(t, leg, r);
    } catch (e) {
      this.classify(e); // rethrows what is not a ccxt error (a bug)
      this.log.warn('order status poll failed', { id: leg.clientId, error: ccxtMessage(e) });
    }
  }

  private emit(e: VenueEvent): void {
    this.sink.onVenueEvent(e);
  }

  private classifyOrThrow(e: unknown): unknown {
    this.classify(e);
    return e;
  }

  /** Classifies a ccxt error; anything else is a bug and is rethrown. */
  private classify(e: unknown): CcxtFailure {
    const f = classifyCcxtError(e);
    if (f === null) throw e;
    if (f !== CcxtFailure.unknown) this.lastContact = Date.now(); // a refusal is an answer
    return f;
  }

  private run(fn: () => Promise<unknown>, command = true): void {
    if (command && this.commands++ === 0) this.waitingSince = Date.now();
    const p = fn().catch((e: unknown) => {
      // Not a venue answer: a bug in Lockstep. Fail loudly, outside this promise chain.
      this.log.error('live order routing failed with an internal error', { error: String(e) });
      this.onInternalError(e);
    }).finally(() => {
      this.inflight.delete(p);
      if (command) this.commands--;
    });
    this.inflight.add(p);
  }
}

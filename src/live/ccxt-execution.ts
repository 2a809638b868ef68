import { setTimeout as sleep } from 'node:timers/promises';
import type { Instrument } from '../core/instrument.ts';
import { RejectReason, type Order, type OrderSnapshot } from '../core/order.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueCapabilities, VenueEvent } from '../engine/execution-client.ts';
import type { Logger } from '../engine/logger.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import { ccxtCapabilities, ccxtOrderArgs } from './ccxt-capabilities.ts';
import { ccxtMessage, CcxtFailure } from './ccxt-errors.ts';
import { currentLeg, FollowedOrders, newLeg, type Leg, type Tracked } from './ccxt-followed-orders.ts';
import type { CcxtOrder, CcxtTrading } from './ccxt-order.ts';
import { CcxtOrderWatch } from './ccxt-order-watch.ts';
import { KillCancels } from './ccxt-kill-cancels.ts';
import { cancelLeg, type LegCancelParts } from './ccxt-leg-cancel.ts';
import { TradeFees } from './trade-fees.ts';
import { FeeAssets, tickerPricing } from './fee-assets.ts';
import { TradeReader } from './trade-reader.ts';
import { StrayCheck, type StrayOrder } from './venue-audit.ts';
import { VenueRequests } from './venue-requests.ts';

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
  /** The requests in flight (commands counted for `silentMillis`) and the venue's last answer. */
  private readonly requests: VenueRequests;
  /** The order stream and the status polls. */
  private readonly watch: CcxtOrderWatch;
  private closed = false;
  private readonly o: Required<Omit<CcxtExecutionOptions, 'onInternalError'>>;
  /** Orders whose outcome was still unknown when the client closed. */
  readonly unresolved = new Set<string>();
  /** The check of the exchange's open orders for orders this client sent and counts as ended. */
  private readonly strayCheck: StrayCheck;
  /** The kill switch tripped: nothing new is sent; cancels go out as one cancel-all. */
  private halted = false;
  private readonly killCancels: KillCancels;
  /** What cancelling a leg at the exchange takes. */
  private readonly legCancel: LegCancelParts;
  /** When the next order request may leave (the venue's request spacing, kept here so that queued requests can be dropped). */
  private nextSend = 0;
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
    const { onInternalError, ...rest } = options;
    this.requests = new VenueRequests(log, onInternalError ?? ((e) => setImmediate(() => { throw e; })));
    // Commissions from the exchange's trades where it lists them (see TradeFees), else from the order reports.
    const fees = ex.has?.fetchMyTrades === true ? new TradeFees((e) => this.emit(e), this.feeAssets) : null;
    this.trades = fees === null ? null : new TradeReader(ex, symbol, fees, log, () => this.requests.answered());
    this.orders = new FollowedOrders((e) => this.emit(e), this.feeAssets, fees);
    this.capabilities = ccxtCapabilities(ex, symbol);
    this.o = { pollMillis: 100, streamPollMillis: 2000, cancelAttempts: 5, auditMillis: 30_000, ...rest };
    this.strayCheck = new StrayCheck(ex, symbol, log, this.o.auditMillis);
    this.watch = new CcxtOrderWatch({
      ex, symbol, orders: this.orders, trades: this.trades, strayCheck: this.strayCheck, requests: this.requests, log,
      pollMillis: this.o.pollMillis, streamPollMillis: this.o.streamPollMillis, halted: () => this.halted,
    });
    this.legCancel = { ex, symbol, orders: this.orders, requests: this.requests, watch: this.watch, attempts: this.o.cancelAttempts };
    this.killCancels = new KillCancels({ ex, symbol, orders: this.orders, requests: this.requests, log, cancelOne: (t) => this.cancelWhenAcknowledged(t) });
  }

  bind(sink: OrderEventSink, _account: Portfolio): void {
    this.sink = sink;
    this.watch.start();
  }

  /** True while the private order stream delivers. */
  get streamUp(): boolean {
    return this.watch.streamUp;
  }

  /** Order updates taken from the stream / from REST polls (for tests and diagnostics). */
  get updates(): Readonly<{ stream: number; poll: number }> {
    return this.watch.updates;
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
    this.requests.run(async () => { await this.place(t, leg, order.qty); });
    return null;
  }

  cancel(orderId: string): void {
    const t = this.orders.get(orderId);
    if (t === undefined) {
      this.emit({ kind: 'cancel-rejected', orderId, reason: RejectReason.tooLate });
      return;
    }
    if (this.halted) this.killCancels.add(t);
    else this.cancelWhenAcknowledged(t);
  }

  /** Sends the cancel, or marks it wanted while the exchange has not acknowledged the order or a replace runs. */
  private cancelWhenAcknowledged(t: Tracked): void {
    if (currentLeg(t).exchangeId === null || t.replacing) t.cancelWanted = true;
    else this.requests.run(() => this.cancelNow(t));
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    const t = this.orders.get(orderId);
    if (t === undefined || currentLeg(t).exchangeId === null) {
      this.emit({ kind: 'update-rejected', orderId, reason: t === undefined ? RejectReason.tooLate : RejectReason.notAcknowledged });
      return null;
    }
    t.replacing = true;
    this.requests.run(() => this.replaceNow(t, terms));
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

  /** Re-reads an order from the venue (the engine saw an event it could not apply). */
  reconcile(orderId: string): void {
    const t = this.orders.get(orderId);
    if (t) this.requests.run(() => this.watch.refresh(t, currentLeg(t)));
  }

  /**
   * How long the venue has not answered while commands wait for it (ms; 0 when none does).
   * Orders merely resting are not waiting: a quiet market with quotes up is not an outage.
   */
  silentMillis(): number {
    return this.requests.silentMillis();
  }

  /** Re-reads every open order from the venue (after an outage, before trading resumes). */
  async refreshOpen(): Promise<void> {
    await Promise.allSettled(this.orders.open().map((t) => this.watch.refresh(t, currentLeg(t))));
  }

  /** Ids of the followed orders not known to have ended. */
  private stillOpen(): string[] {
    return this.orders.open().map((t) => t.id);
  }

  /** Commissions charged in assets other than the quote: `base` (quantity), `other` and `unvalued` (quantities by asset; see FeeAssets). */
  get chargedFees(): Readonly<Pick<FeeAssets, 'base' | 'other' | 'unvalued'>> {
    return this.feeAssets;
  }

  /** True when no command is still working (polls aside). */
  get idle(): boolean {
    return this.requests.idle;
  }

  /** Waits until every request in flight is answered and no followed order is open, or `timeoutMs` passed; returns the ids still open. */
  async settle(timeoutMs: number): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await this.requests.current();
      if (this.orders.open().length === 0 && this.requests.pending === 0) return [];
      await this.refreshOpen();
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
    this.watch.stop();
    this.closed = true;
    while (this.requests.pending > 0) await this.requests.current();
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
    await this.strayCheck.check(this.orders.openClientIds(), cancel, Number.POSITIVE_INFINITY);
    return this.strayCheck.found();
  }

  // ---- placing ------------------------------------------------------------------------

  /** Sends a leg; an unknown outcome is resolved by client id. Returns true when the leg is at the exchange. */
  private async place(t: Tracked, leg: Leg, qty: number): Promise<boolean> {
    if (!(await this.sendSlot(t, 'rejected'))) return false;
    return this.sendLeg(t, leg, qty, () => {}, (f, e) => this.refused(t, f, e));
  }

  /**
   * Creates the leg at the exchange. `sent()` runs once the exchange has the leg or may have
   * it (before its fills are applied); an unknown outcome is then resolved by client id, and
   * a refusal goes to `refused`. Returns true when the leg is at the exchange.
   */
  private async sendLeg(t: Tracked, leg: Leg, qty: number, sent: () => void, refused: (f: CcxtFailure, e: unknown) => void): Promise<boolean> {
    const sentAt = Date.now();
    const a = ccxtOrderArgs(t.snap, leg.clientId);
    try {
      const r = await this.ex.createOrder(this.symbol, a.type, t.snap.side, qty, a.price, a.params);
      this.requests.answered();
      sent();
      this.placed(t, leg, r);
      return true;
    } catch (e) {
      const f = this.requests.classify(e);
      if (f === CcxtFailure.unknown || f === CcxtFailure.duplicate) {
        this.log.warn('order outcome unknown; looking it up by client id', { id: leg.clientId, error: ccxtMessage(e) });
        sent();
        return this.resolve(t, leg, qty, sentAt);
      }
      refused(f, e);
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
        this.requests.answered();
        return true;
      } catch (e) {
        const f = this.requests.classify(e);
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
      this.requests.run(() => this.cancelNow(t));
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
    const outcome = await cancelLeg(this.legCancel, t, currentLeg(t));
    if (outcome === 'finished') this.emit({ kind: 'cancel-rejected', orderId: t.id, reason: RejectReason.tooLate });
    else if (outcome === 'failed') this.emit({ kind: 'cancel-rejected', orderId: t.id, reason: `${RejectReason.venue}: could not cancel after ${this.o.cancelAttempts} attempts` });
  }

  private async replaceNow(t: Tracked, terms: OrderAmendment): Promise<void> {
    const outcome = await cancelLeg(this.legCancel, t, currentLeg(t));
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
    await this.sendLeg(t, leg, terms.qty - filled, () => this.replaced(t, terms), (_, e) => {
      this.orders.finish(t, { kind: 'cancelled', orderId: t.id, reason: `replace refused after the old order was cancelled: ${ccxtMessage(e)}` });
    });
  }

  private replaced(t: Tracked, terms: OrderAmendment): void {
    t.replacing = false;
    this.emit({ kind: 'updated', orderId: t.id, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice });
  }

  private emit(e: VenueEvent): void {
    this.sink.onVenueEvent(e);
  }
}

import { assert } from '../core/assert.ts';
import { ConfigError } from '../core/errors.ts';
import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Fill, Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import {
  isOpen, OrderStatus, OrderType, RejectReason, sideSign, TimeInForce,
  type ModifyResult, type Order, type OrderChanges, type OrderRequest, type SubmitResult,
} from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { BookKeeper } from './book-reader.ts';
import type { RiskEngine } from './risk-engine.ts';
import type { Clock, TimerEvent } from './clock.ts';
import type { EquityRecorder } from './equity-recorder.ts';
import { EquitySampler } from './equity-sampler.ts';
import type { EventSink } from './event-source.ts';
import type { ExecutionClient, OrderEventSink, Refusal } from './execution-client.ts';
import type { Logger } from './logger.ts';
import { MessageBus } from './message-bus.ts';
import { validateOrderRequest } from './order-validation.ts';
import { OpenOrders } from './open-orders.ts';
import { Portfolio } from './portfolio.ts';
import type { Context, Strategy } from './strategy.ts';
import { createContext } from './strategy-context.ts';

/** A pre-trade check run on every order before it leaves (risk limits plug in here). */
export type PreTradeCheck = (order: Readonly<Order>, instrumentIndex: number, portfolio: Portfolio) => Refusal | null;

/** A clock the engine can drive: simulated for replay, wall time live. */
export interface DrivableClock extends Clock {
  /** Moves time to `ts`, firing due timers through `onTimer` first. */
  advanceTo(ts: Micros, onTimer: (t: TimerEvent) => void): void;
}

export interface EngineOptions {
  /** Instruments of the run; their order defines instrument slots. */
  instruments: readonly Instrument[];
  /** Starting cash. */
  cash: number;
  strategy: Strategy;
  /** Where orders go (simulated venue or live adapter). */
  venue: ExecutionClient;
  clock: DrivableClock;
  logger: Logger;
  /** Checks every order must pass before reaching the venue. */
  checks?: readonly PreTradeCheck[];
  /** Prefix of client order ids (live sessions make it unique per session). */
  orderIdPrefix?: string;
  /** Market events expected, when known (sizes the equity curve once). */
  expectedEvents?: number;
  /** Pre-trade limits and loss limits (kill switch); shared by backtest, paper and live. */
  risk?: RiskEngine;
  /** L2 books kept from book deltas and shown to the strategy (tick/L2 runs). */
  books?: BookKeeper;
  /**
   * Equity-curve resolution in µs: one point per interval (the last value in it). 0 (the
   * default) records a point per distinct event time — right for bars, too dense for ticks.
   */
  equityIntervalMicros?: number;
}

/**
 * The single-threaded core shared by backtest and live: receives normalized market
 * events, lets the venue match, marks the portfolio, calls the strategy, applies fills
 * and records the equity curve. Deterministic: same events in, same calls out.
 */
export class Engine implements EventSink, OrderEventSink {
  readonly portfolio: Portfolio;
  readonly bus = new MessageBus();
  readonly equity: EquityRecorder;
  readonly orders: Order[] = [];
  readonly fills: Fill[] = [];
  readonly ctx: Context;
  /** Market events processed. */
  events = 0;
  private readonly open = new OpenOrders();
  private readonly slot = new Map<string, number>();
  private readonly instruments: readonly Instrument[];
  private readonly strategy: Strategy;
  private readonly venue: ExecutionClient;
  private readonly clock: DrivableClock;
  private readonly checks: readonly PreTradeCheck[];
  private readonly prefix: string;
  private readonly fireTimer: (t: TimerEvent) => void;
  private seq = 0;
  private halted: string | null = null;
  private readonly books: BookKeeper | undefined;
  private readonly risk: RiskEngine | undefined;
  private readonly log: Logger;
  /** Why the kill switch tripped (null while trading). */
  killReason: string | null = null;
  private readonly sampler: EquitySampler;

  constructor(opts: EngineOptions) {
    assert(opts.instruments.length > 0, 'a run needs at least one instrument');
    this.instruments = opts.instruments;
    opts.instruments.forEach((inst, i) => {
      if (this.slot.has(inst.id)) throw new ConfigError(`instrument ${inst.id} is listed twice`);
      this.slot.set(inst.id, i);
    });
    this.portfolio = new Portfolio(opts.instruments, opts.cash);
    this.books = opts.books;
    this.risk = opts.risk;
    this.log = opts.logger;
    this.sampler = new EquitySampler(this.portfolio, opts.equityIntervalMicros ?? 0, this.risk !== undefined, opts.expectedEvents ?? 0);
    this.equity = this.sampler.curve;
    this.strategy = opts.strategy;
    this.venue = opts.venue;
    this.clock = opts.clock;
    this.checks = opts.checks ?? [];
    this.prefix = opts.orderIdPrefix ?? 'O-';
    this.ctx = createContext({
      clock: this.clock, instruments: this.instruments, portfolio: this.portfolio, open: this.open, books: this.books,
      slotOf: (i) => this.slotOf(i), submit: (r) => this.submit(r), cancel: (id) => this.cancel(id), replace: (id, c) => this.replace(id, c),
    }, opts.logger);
    this.fireTimer = (t) => {
      this.strategy.onTimer?.(t, this.ctx);
      this.bus.publish('timer', t);
    };
    this.venue.bind(this, this.portfolio);
  }

  start(): void {
    this.strategy.onStart?.(this.ctx);
  }

  stop(): void {
    this.strategy.onStop?.(this.ctx);
    this.sampler.finish();
  }

  /** Why new orders are paused (a stale feed, say), or null. Unlike a halt it can be lifted. */
  pausedReason: string | null = null;

  /** Refuses new orders until `resumeTrading()` (open orders are the caller's business). */
  pauseTrading(reason: string): void {
    if (this.pausedReason === null) this.log.warn('trading paused', { reason });
    this.pausedReason = reason;
  }

  resumeTrading(): void {
    if (this.pausedReason !== null) this.log.info('trading resumed', { after: this.pausedReason });
    this.pausedReason = null;
  }

  /** Stops accepting new orders; existing state is kept. */
  halt(reason: string): void {
    this.halted = reason;
  }

  /**
   * Kill switch: cancels every open order, halts new orders and stops calling the
   * strategy; the reason is logged. Idempotent.
   */
  kill(reason: string): void {
    if (this.killReason !== null) return;
    this.killReason = reason;
    this.halt(`kill switch: ${reason}`);
    this.log.error('kill switch tripped: cancelling every open order and halting the strategy', { reason, openOrders: this.open.size });
    this.cancelOpenOrders();
  }

  /** Cancels every open order (kill switch, end of a live session); returns how many were asked. */
  cancelOpenOrders(): number {
    const list = [...this.open.values()];
    for (const o of list) this.cancel(o.id);
    return list.length;
  }

  /** Orders still open. */
  openOrders(): Order[] {
    return [...this.open.values()];
  }

  // ---- market events -------------------------------------------------------------

  onBar(bar: BarView): void {
    this.enter(bar.ts);
    this.venue.onBar?.(bar);
    this.portfolio.mark(bar.instrumentIndex, bar.close);
    if (this.killReason === null) this.strategy.onBar?.(bar, this.ctx);
    this.venue.afterBar?.(bar);
    this.leave(bar.ts);
  }

  /**
   * Adopts an order that already rests at the venue (start-up reconciliation after a
   * restart): it becomes an open order of this engine without being sent again.
   */
  adopt(order: Order): void {
    if (this.open.get(order.id)) return;
    this.orders.push(order);
    this.open.add(order);
    this.bus.publish('order', order);
  }

  /** Advances time with no market event (live wake-ups): due timers fire. */
  advanceClock(ts: Micros): void {
    this.clock.advanceTo(ts, this.fireTimer);
  }

  // Tick events run on local time (when the strategy sees them); the venue uses both stamps.
  onTrade(trade: TradeView): void {
    this.enter(trade.tsLocal);
    this.venue.onTrade?.(trade);
    this.portfolio.mark(trade.instrumentIndex, trade.price);
    if (this.killReason === null) this.strategy.onTrade?.(trade, this.ctx);
    this.leave(trade.tsLocal);
  }

  onQuote(quote: QuoteView): void {
    this.enter(quote.tsLocal);
    this.venue.onQuote?.(quote);
    const mid = (quote.bidPrice + quote.askPrice) / 2;
    if (mid > 0) this.portfolio.mark(quote.instrumentIndex, mid);
    if (this.killReason === null) this.strategy.onQuote?.(quote, this.ctx);
    this.leave(quote.tsLocal);
  }

  onBookDelta(delta: BookDeltaView): void {
    this.enter(delta.tsLocal);
    this.venue.onBookDelta?.(delta);
    const books = this.books;
    if (books !== undefined) books.apply(delta);
    if (!delta.last) return;
    if (books !== undefined) {
      const mid = books.book(delta.instrumentIndex).mid();
      if (mid > 0) this.portfolio.mark(delta.instrumentIndex, mid);
    }
    if (this.killReason === null) this.strategy.onBook?.(delta, this.ctx);
    this.leave(delta.tsLocal);
  }

  /** Start of every market event: time moves to `ts` (due timers fire); an equity interval the event leaves is closed. */
  private enter(ts: Micros): void {
    this.clock.advanceTo(ts, this.fireTimer);
    this.sampler.enter(ts);
    this.events++;
  }

  /** End of every market event: the equity point (per-event mode) and the risk engine's loss limits. */
  private leave(ts: Micros): void {
    if (this.sampler.perInterval) return;
    const t = this.sampler.record(ts);
    if (this.risk !== undefined && this.killReason === null) {
      const breach = this.risk.onEquity(t, this.portfolio.equityValue);
      if (breach !== null) this.kill(breach);
    }
  }

  // ---- venue reports ----------------------------------------------------------------

  fillReceived(order: Order, price: number, qty: number, fee: number, liquidity: Liquidity): void {
    // Messages are built only on failure: this is the per-fill path.
    if (!isOpen(order.status)) assert(false, `fill for order ${order.id} in status ${order.status}`);
    if (!(qty > 0 && order.filledQty + qty <= order.qty * (1 + 1e-9))) assert(false, `overfill of order ${order.id}`);
    const i = this.slot.get(order.instrumentId)!;
    const ts = this.clock.now();
    this.portfolio.applyFill(i, sideSign(order.side) * qty, price, fee, ts, this.equity.length);
    const filled = order.filledQty + qty;
    order.avgFillPrice = order.filledQty === 0 ? price : (order.avgFillPrice * order.filledQty + price * qty) / filled;
    order.filledQty = filled;
    order.fees += fee;
    order.updatedTs = ts;
    order.status = filled >= order.qty * (1 - 1e-9) ? OrderStatus.filled : OrderStatus.partiallyFilled;
    if (order.status === OrderStatus.filled) this.open.delete(order.id);
    const fill: Fill = {
      seq: this.fills.length + 1, orderId: order.id, instrumentId: order.instrumentId, side: order.side,
      price, qty, fee, liquidity, ts,
    };
    this.fills.push(fill);
    this.bus.publish('fill', fill);
    this.strategy.onFill?.(fill, this.ctx);
    this.strategy.onOrder?.(order, this.ctx);
  }

  statusChanged(order: Order, status: OrderStatus, reason?: string): void {
    order.status = status;
    order.updatedTs = this.clock.now();
    if (reason !== undefined) order.reason = reason;
    if (!isOpen(status)) this.open.delete(order.id);
    this.bus.publish('order', order);
    this.strategy.onOrder?.(order, this.ctx);
  }

  // ---- strategy actions --------------------------------------------------------------

  private slotOf(instrument: string | Instrument | undefined): number {
    if (instrument === undefined) {
      if (this.instruments.length === 1) return 0;
      throw new ConfigError('this run has several instruments: name the instrument');
    }
    const id = typeof instrument === 'string' ? instrument : instrument.id;
    const i = this.slot.get(id);
    if (i === undefined) throw new ConfigError(`unknown instrument "${id}"; the run has ${[...this.slot.keys()].join(', ')}`);
    return i;
  }

  private submit(req: OrderRequest): SubmitResult {
    const id = typeof req.instrument === 'object' ? req.instrument.id : req.instrument;
    const i = id === undefined && this.instruments.length === 1 ? 0 : this.slot.get(id ?? '');
    if (i === undefined) {
      return { ok: false, reason: RejectReason.unknownInstrument, message: `unknown instrument "${String(id)}"` };
    }
    if (this.halted !== null) return { ok: false, reason: RejectReason.halted, message: `trading halted: ${this.halted}` };
    if (this.pausedReason !== null) return { ok: false, reason: RejectReason.halted, message: `trading paused: ${this.pausedReason}` };
    const inst = this.instruments[i];
    const bad = validateOrderRequest(req, inst);
    if (bad) return { ok: false, ...bad };
    if (req.reduceOnly) {
      const pos = this.portfolio.position(i);
      if (pos === 0 || Math.sign(pos) === sideSign(req.side)) {
        return { ok: false, reason: RejectReason.reduceOnlyWouldIncrease, message: `reduce-only ${req.side} with position ${pos}` };
      }
    }
    const now = this.clock.now();
    const order: Order = {
      id: `${this.prefix}${++this.seq}`, instrumentId: inst.id, side: req.side, type: req.type ?? OrderType.market,
      tif: req.tif ?? TimeInForce.GTC, postOnly: req.postOnly ?? false, reduceOnly: req.reduceOnly ?? false,
      qty: req.qty, price: req.price ?? Number.NaN, stopPrice: req.stopPrice ?? Number.NaN,
      status: OrderStatus.accepted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: now, updatedTs: now,
      reason: undefined, tag: req.tag,
    };
    if (this.risk !== undefined) {
      const r = this.risk.check(order, i, { portfolio: this.portfolio, openOrders: this.open.values(), now });
      if (r) return this.reject(order, r);
    }
    for (const check of this.checks) {
      const r = check(order, i, this.portfolio);
      if (r) return this.reject(order, r);
    }
    this.orders.push(order);
    this.open.add(order);
    const refused = this.venue.submit(order);
    if (refused) {
      this.open.delete(order.id);
      order.status = OrderStatus.rejected;
      order.reason = refused.reason;
      return { ok: false, ...refused };
    }
    this.bus.publish('order', order);
    return { ok: true, order };
  }

  private reject(order: Order, r: Refusal): SubmitResult {
    order.status = OrderStatus.rejected;
    order.reason = r.reason;
    this.orders.push(order);
    this.bus.publish('order', order);
    return { ok: false, ...r };
  }

  private cancel(orderId: string): ModifyResult {
    const order = this.open.get(orderId);
    if (!order) return this.notOpen(orderId);
    const refused = this.venue.cancel(order);
    if (refused === 'pending') return { ok: true, order };
    if (refused) return { ok: false, ...refused };
    order.status = OrderStatus.cancelled;
    order.updatedTs = this.clock.now();
    this.open.delete(orderId);
    this.bus.publish('order', order);
    return { ok: true, order };
  }

  private replace(orderId: string, changes: OrderChanges): ModifyResult {
    const order = this.open.get(orderId);
    if (!order) return this.notOpen(orderId);
    const inst = this.instruments[this.slot.get(order.instrumentId)!];
    const req: OrderRequest = {
      instrument: inst, side: order.side, type: order.type, qty: changes.qty ?? order.qty,
      ...(order.type === OrderType.limit || order.type === OrderType.stopLimit ? { price: changes.price ?? order.price } : {}),
      ...(order.type === OrderType.stop || order.type === OrderType.stopLimit ? { stopPrice: changes.stopPrice ?? order.stopPrice } : {}),
    };
    const bad = validateOrderRequest(req, inst);
    if (bad) return { ok: false, ...bad };
    if (req.qty <= order.filledQty) {
      return { ok: false, reason: RejectReason.invalidQuantity, message: `new quantity ${req.qty} is not above the filled ${order.filledQty}` };
    }
    const refused = this.venue.replace(order, changes);
    if (refused) return { ok: false, ...refused };
    order.qty = req.qty;
    if (req.price !== undefined) order.price = req.price;
    if (req.stopPrice !== undefined) order.stopPrice = req.stopPrice;
    order.updatedTs = this.clock.now();
    this.bus.publish('order', order);
    return { ok: true, order };
  }

  private notOpen(orderId: string): ModifyResult {
    // Rare path (cancel/replace of a closed order): a scan instead of an id map on every submit.
    const known = this.orders.find((o) => o.id === orderId);
    return known
      ? { ok: false, reason: RejectReason.notOpen, message: `order ${orderId} is ${known.status}` }
      : { ok: false, reason: RejectReason.unknownOrder, message: `no order ${orderId}` };
  }
}

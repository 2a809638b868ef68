import { assert } from '../core/assert.ts';
import { tuneV8ForEngines } from '../core/v8-flags.ts';
import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { BookKeeper } from './book-reader.ts';
import type { TimerEvent } from './clock.ts';
import type { ContingentOrders } from './contingent-orders.ts';
import { contingentOrdersOn, killSwitchOn, type FlowHelperParts } from './flow-helpers.ts';
import type { EquityRecorder } from './equity-recorder.ts';
import { EquitySampler } from './equity-sampler.ts';
import { ResultSpill } from './result-spill.ts';
import type { EventSink } from './event-source.ts';
import type { ExecutionClient, VenueCapabilities } from './execution-client.ts';
import type { Logger } from './logger.ts';
import type { FillLog } from './fill-log.ts';
import type { OrderLog } from './order-log.ts';
import { OrderFlow, type OrderListener } from './order-flow.ts';
import { ORDER_ID_PREFIX } from './id-column.ts';
import type { PreTradeCheck } from './order-admission.ts';
import { withoutFeatures } from './order-routing.ts';
import { Portfolio } from './portfolio.ts';
import type { RiskEngine } from './risk-engine.ts';
import type { Context, Strategy } from './strategy.ts';
import { createContext } from './strategy-context.ts';
import { InstrumentSlots } from './instrument-slots.ts';
import type { DrivableClock, EngineOptions } from './engine-options.ts';
import { BarGroup } from './bar-group.ts';
import { KillPolicy, type KillSwitch, type KillReport } from './kill-switch.ts';
import type { OffGridSummary, RejectionSummary } from './rejection-log.ts';
import { TradingMode, TradingState } from './trading-state.ts';
import { packedMap } from '../core/array-edit.ts';

export type { PreTradeCheck, OrderListener };

/**
 * The single-threaded core shared by backtest and live: receives normalized market
 * events, lets the venue match, marks the portfolio, calls the strategy and records the
 * equity curve; orders go out and their events come back through the order flow.
 * Deterministic: same events in, same calls out.
 */
export class Engine implements EventSink {
  readonly portfolio: Portfolio;
  readonly equity: EquityRecorder;
  readonly ctx: Context;
  /** Market events processed. */
  events = 0;
  /** Active, paused or killed, with the reason. */
  readonly trading = new TradingState();
  private readonly flow: OrderFlow;
  private readonly slots: InstrumentSlots;
  private readonly instruments: readonly Instrument[];
  private readonly strategy: Strategy;
  private readonly venue: ExecutionClient;
  private readonly clock: DrivableClock;
  private readonly fireTimer: (t: TimerEvent) => void;
  private readonly books: BookKeeper | undefined;
  /** The books are the venue's (a simulated venue applies each delta and quote to them): not applied here again. */
  private readonly venueAppliesBooks: boolean;
  private readonly risk: RiskEngine | undefined;
  private readonly log: Logger;
  private readonly sampler: EquitySampler;
  private readonly spill: ResultSpill | null;
  private contingent: ContingentOrders | null = null;
  private readonly offGridPolicy: 'round' | 'refuse';
  private readonly killSwitch: KillSwitch;
  /** What the kill switch and the contingent orders act through. */
  private readonly helperParts: FlowHelperParts;
  private startPositions: number[] = [];
  /** onBars: this time's bars (copies, one per slot) while the strategy wants them, else null. */
  private readonly barGroup: BarGroup | null;

  constructor(opts: EngineOptions) {
    tuneV8ForEngines();
    assert(opts.instruments.length > 0, 'a run needs at least one instrument');
    this.instruments = opts.instruments;
    this.slots = new InstrumentSlots(opts.instruments);
    const keepRecords = opts.keepRecords ?? true;
    this.portfolio = new Portfolio(opts.instruments, opts.cash, keepRecords);
    this.books = opts.books;
    this.venueAppliesBooks = opts.books !== undefined && opts.books === opts.venue.books;
    this.risk = opts.risk;
    this.log = opts.logger;
    this.sampler = new EquitySampler(this.portfolio, opts.equityIntervalMicros ?? 0, this.risk !== undefined, opts.expectedEvents ?? 0, opts.sink ?? null, opts.equityStorage ?? null);
    this.equity = this.sampler.curve;
    if (opts.equityMarks !== undefined) this.sampler.deriveFrom(opts.equityMarks);
    this.strategy = opts.strategy;
    this.venue = opts.venue;
    this.clock = opts.clock;
    this.offGridPolicy = opts.offGrid ?? 'round';
    const strategy = this.strategy;
    this.flow = new OrderFlow({
      instruments: this.instruments, slotOf: this.slots.byId, portfolio: this.portfolio, venue: this.venue,
      capabilities: withoutFeatures(this.venue.capabilities, opts.emulate ?? []), clock: this.clock, log: this.log,
      state: this.trading, risk: this.risk, checks: opts.checks ?? [], prefix: opts.orderIdPrefix ?? ORDER_ID_PREFIX,
      equity: this.equity,
      onFill: strategy.onFill ? (f) => strategy.onFill!(f, this.ctx) : undefined,
      onOrder: strategy.onOrder ? (e) => strategy.onOrder!(e, this.ctx) : undefined,
      onIllegal: opts.onIllegalOrderEvent ?? 'throw', offGrid: opts.offGrid ?? 'round', keepRecords,
    });
    this.spill = opts.sink ? new ResultSpill(opts.sink, { fills: this.flow.fills, orders: this.flow.registry, trades: this.portfolio.trades.closed }, this.equity) : null;
    this.ctx = createContext({
      clock: this.clock, instruments: this.instruments, portfolio: this.portfolio, open: this.flow.registry.open, books: this.books,
      slotOf: this.slots.of, impliedSlot: this.slots.implied, submit: (r) => this.flow.submit(r), cancel: (id) => this.flow.cancel(id),
      replace: (id, c) => this.flow.replace(id, c), contingent: () => this.contingentOrders(),
    }, opts.logger);
    this.fireTimer = (t) => {
      const outer = this.flow.enter();
      this.strategy.onTimer?.(t, this.ctx);
      this.flow.leave(outer);
    };
    this.venue.bind(this.flow, this.portfolio);
    this.barGroup = strategy.onBars ? new BarGroup(this.instruments.length) : null;
    this.helperParts = { flow: this.flow, instruments: this.instruments, slotOf: this.slots.of, portfolio: this.portfolio, clock: this.clock, log: this.log };
    this.killSwitch = killSwitchOn(this.helperParts, (i) => this.startPositions[i] ?? 0, opts.onKill ?? KillPolicy.flatten);
  }

  /** Every order of the run, in submission order (refused ones included), as columns for the ended ones. */
  get orderLog(): OrderLog {
    return this.flow.registry.log;
  }

  /** Every order of the run, in submission order (refused ones included): ended ones as new objects built at each read (`orderLog`). */
  get orders(): readonly Order[] {
    return this.flow.registry.log.toArray();
  }

  /** Every fill, in order, as columns (those not yet handed to the sink, when the run spills). */
  get fillLog(): FillLog {
    return this.flow.fills;
  }

  /** Every fill, in order, as new objects built from `fillLog` at each read (the end of a session, tests). */
  get fills(): readonly Fill[] {
    return this.flow.fills.toArray();
  }

  /**
   * End of a run: when its series started going to the sink, the rest follows and the
   * result's series are the sink's; returns whether that happened.
   */
  spillRest(): boolean {
    if (this.spill === null || !this.spill.spilled) return false;
    this.spill.rest();
    return true;
  }

  /** What the venue carries natively, as this run uses it (features the run emulates taken out). */
  get venueCapabilities(): VenueCapabilities {
    return this.flow.capabilities;
  }

  /** Every order refusal of the run, by reason (the engine's and the venue's). */
  rejections(): RejectionSummary {
    return this.flow.rejections.summary();
  }

  /** Orders that were off the instrument's grid. */
  offGrid(): OffGridSummary {
    return { policy: this.offGridPolicy, ...this.flow.admission.offGrid };
  }

  /** Lifecycle events the order state machine refused (live sessions log them rather than fail). */
  get illegalOrderEvents(): number {
    return this.flow.illegalEvents;
  }

  /** Why the kill switch tripped (null while it has not). */
  get killReason(): string | null {
    return this.trading.killed ? this.trading.reason : null;
  }

  /** Why new orders are paused (a stale feed, say), or null. */
  get pausedReason(): string | null {
    return this.trading.mode === TradingMode.paused ? this.trading.reason : null;
  }

  /**
   * Runs code against the strategy Context as a strategy callback would (a notebook, a
   * test, an operator's command): order events it causes are delivered when it returns.
   */
  act<T>(fn: (ctx: Context) => T): T {
    const outer = this.flow.enter();
    const r = fn(this.ctx);
    this.flow.leave(outer);
    return r;
  }

  /** Hears every order event and fill (journals, recorders, tests). */
  listen(l: OrderListener): void {
    this.flow.listen(l);
  }

  start(): void {
    // Holdings adopted before the start (a live account's balances) are not the session's to flatten.
    this.startPositions = packedMap(this.instruments, (_, i) => this.portfolio.position(i));
    const outer = this.flow.enter();
    this.strategy.onStart?.(this.ctx);
    this.flow.leave(outer);
  }

  /**
   * Replays history through the strategy before its first decision (after `start`): bars
   * in time order reach `onBar` (and `onBars`, grouped by time) with orders refused; the
   * prices mark the portfolio, nothing else moves (no clock, venue, equity or risk).
   * Returns how many bars were replayed.
   */
  warmUp(bars: readonly BarView[]): number {
    if (bars.length === 0 || !this.trading.warmUp()) return 0;
    const ctx = this.ctx as { warmingUp: boolean };
    ctx.warmingUp = true;
    const outer = this.flow.enter();
    let group: BarView[] = [];
    const flush = () => { if (group.length > 0 && this.strategy.onBars) this.strategy.onBars(group, this.ctx); group = []; };
    for (const b of bars) {
      if (group.length > 0 && b.ts !== group[0].ts) flush();
      this.portfolio.mark(b.instrumentIndex, b.close);
      this.strategy.onBar?.(b, this.ctx);
      group.push(b);
    }
    flush();
    this.flow.leave(outer);
    ctx.warmingUp = false;
    this.trading.endWarmUp();
    this.log.info('warm-up done: history replayed, orders from now on', { bars: bars.length, from: bars[0].ts, to: bars[bars.length - 1].ts });
    return bars.length;
  }

  stop(): void {
    if (this.barGroup !== null) this.flushBars();
    const outer = this.flow.enter();
    this.strategy.onStop?.(this.ctx);
    this.flow.leave(outer);
    this.sampler.finish();
  }

  /** Refuses new orders until `resumeTrading()` (open orders are the caller's business). */
  pauseTrading(reason: string): void {
    if (this.trading.pause(reason)) this.log.warn('trading paused', { reason });
  }

  resumeTrading(): void {
    const after = this.trading.reason;
    if (this.trading.resume()) this.log.info('trading resumed', { after });
  }

  /**
   * Kill switch: new orders are refused, the strategy is no longer called, every open order
   * is cancelled and — with the `flatten` policy — every position closed at market. The
   * reason and each step are logged. Idempotent.
   */
  kill(reason: string): void {
    if (!this.trading.kill(reason, this.clock.now())) return;
    this.log.error('kill switch tripped: halting the strategy', { reason, policy: this.killSwitch.policy, openOrders: this.flow.registry.open.size });
    this.flow.listen(this.killSwitch); // only now: listening makes every order event an object
    this.venue.halt?.(); // live: requests still queued are dropped, not sent
    this.killSwitch.trip(reason);
  }

  /** What the kill switch did and what it left open (null when it never tripped). */
  killReport(): KillReport | null {
    return this.killSwitch.report();
  }

  /** Cancels every open order (kill switch, end of a live session); returns how many cancels were sent. */
  cancelOpenOrders(): number {
    let n = 0;
    for (const o of [...this.flow.registry.open.values()]) if (this.flow.cancel(o.id).ok) n++;
    return n;
  }

  /** Orders still open. */
  openOrders(): Order[] {
    return [...this.flow.registry.open.values()];
  }

  /**
   * Adopts an order that already rests at the venue (start-up reconciliation after a
   * restart): it becomes an open order of this engine without being sent again.
   */
  adopt(order: Order): void {
    this.flow.adopt(order);
  }

  /** Advances time with no market event (live wake-ups): due timers fire, DAY orders expire. */
  advanceClock(ts: Micros): void {
    this.clock.advanceTo(ts, this.fireTimer);
    this.flow.emulator.expireDue(this.clock.now());
  }

  // ---- market events -------------------------------------------------------------

  // Each handler reads its event's time once (a read after the strategy's call checks the view again).
  onBar(bar: BarView): void {
    const ts = bar.ts;
    const group = this.barGroup;
    // A bar of a later time: the previous time's bars are complete (time has not moved yet).
    if (group !== null && ts !== group.ts) this.flushBars();
    this.enter(ts);
    this.venue.onBar?.(bar);
    const emulator = this.flow.emulator;
    if (emulator.holding > 0) emulator.onBar(bar.instrumentIndex, bar.high, bar.low);
    this.portfolio.markBar(bar.instrumentIndex, bar);
    if (!this.trading.killed) {
      const outer = this.flow.enter();
      this.strategy.onBar?.(bar, this.ctx);
      this.flow.leave(outer);
    }
    this.venue.afterBar?.(bar);
    if (group !== null) group.add(bar);
    this.leave(ts);
  }

  /** Hands the strategy the bars of the time just completed. */
  private flushBars(): void {
    const bars = this.barGroup!.take();
    if (bars.length === 0 || this.trading.killed) return;
    const outer = this.flow.enter();
    this.strategy.onBars!(bars, this.ctx);
    this.flow.leave(outer);
  }

  // Tick events run on local time (when the strategy sees them); the venue uses both stamps.
  onTrade(trade: TradeView): void {
    const ts = trade.tsLocal;
    this.enter(ts);
    this.venue.onTrade?.(trade);
    const emulator = this.flow.emulator;
    if (emulator.holding > 0) emulator.onPrice(trade.instrumentIndex, trade.price);
    this.portfolio.mark(trade.instrumentIndex, trade.price);
    if (!this.trading.killed) {
      const outer = this.flow.enter();
      this.strategy.onTrade?.(trade, this.ctx);
      this.flow.leave(outer);
    }
    this.leave(ts);
  }

  onQuote(quote: QuoteView): void {
    const ts = quote.tsLocal;
    this.enter(ts);
    this.venue.onQuote?.(quote);
    if (this.books !== undefined && !this.venueAppliesBooks) this.books.applyQuote(quote);
    const mid = (quote.bidPrice + quote.askPrice) / 2;
    if (mid > 0) this.portfolio.mark(quote.instrumentIndex, mid);
    if (!this.trading.killed) {
      const outer = this.flow.enter();
      this.strategy.onQuote?.(quote, this.ctx);
      this.flow.leave(outer);
    }
    this.leave(ts);
  }

  onBookDelta(delta: BookDeltaView): void {
    const ts = delta.tsLocal;
    this.enter(ts);
    this.venue.onBookDelta?.(delta);
    const books = this.books;
    if (books !== undefined && !this.venueAppliesBooks) books.apply(delta);
    if (!delta.last) return;
    if (books !== undefined) {
      const mid = books.book(delta.instrumentIndex).mid();
      if (mid > 0) this.portfolio.mark(delta.instrumentIndex, mid);
    }
    if (!this.trading.killed) {
      const outer = this.flow.enter();
      this.strategy.onBook?.(delta, this.ctx);
      this.flow.leave(outer);
    }
    this.leave(ts);
  }

  /** Start of every market event: time moves to `ts` (due timers fire, DAY orders expire); an equity interval the event leaves is closed. */
  private enter(ts: Micros): void {
    this.clock.advanceTo(ts, this.fireTimer);
    if (ts >= this.flow.emulator.nextExpiry) this.flow.emulator.expireDue(ts);
    this.sampler.enter(ts);
    this.events++;
    if (this.spill !== null) this.spill.check();
  }

  /** End of every market event: the equity point (per-event mode) and the risk engine's loss limits. */
  private leave(ts: Micros): void {
    if (this.sampler.perInterval) return;
    const t = this.sampler.record(ts);
    if (this.risk !== undefined && !this.trading.killed) {
      const breach = this.risk.onEquity(t, this.portfolio.equityValue);
      if (breach !== null) this.kill(breach);
    }
  }

  private contingentOrders(): ContingentOrders {
    this.contingent ??= contingentOrdersOn(this.helperParts);
    return this.contingent;
  }
}

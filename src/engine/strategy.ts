import type { SearchSpace } from '../core/search-space.ts';
import type { BookReader } from './book-reader.ts';
import type { z } from 'zod';
import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import type { OrderEvent } from '../core/order-event.ts';
import type { BracketRequest, BracketResult, OcoResult } from './contingent-orders.ts';
import type { ModifyResult, Order, OrderChanges, OrderRequest, SubmitResult } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { Clock, TimerEvent } from './clock.ts';
import type { Logger } from './logger.ts';
import type { PositionView } from './portfolio.ts';

/** Order fields a strategy may add to the convenience calls `buy`/`sell`. */
export type OrderOptions = Omit<OrderRequest, 'side' | 'qty'>;

/** Read-only account state. */
export interface PortfolioView {
  /** Free cash. */
  readonly cash: number;
  /** Cash plus position value at the last marks. */
  equity(): number;
  /** Every position (flat ones included). */
  positions(): PositionView[];
}

/**
 * Everything a strategy can see and do. The same object shape is given in backtest, paper
 * and live mode, so strategy code never knows which one it runs in.
 */
export interface Context {
  /** Engine time source. */
  readonly clock: Clock;
  /** Shorthand for `clock.now()`. */
  now(): Micros;
  /** Instruments of the run, in slot order. */
  readonly instruments: readonly Instrument[];
  /** Looks up an instrument by id (or by its symbol when one instrument has it); throws on an unknown one. */
  instrument(id?: string): Instrument;
  /** Validates and sends an order. Rejection is a normal outcome returned as data. */
  submit(request: OrderRequest): SubmitResult;
  /** `submit` with side buy. */
  buy(qty: number, options?: OrderOptions): SubmitResult;
  /** `submit` with side sell. */
  sell(qty: number, options?: OrderOptions): SubmitResult;
  /** Sends a market order that flattens the position; null when already flat. */
  close(instrument?: string): SubmitResult | null;
  /**
   * Asks the venue to cancel an open order. `ok` means the request was sent: the order
   * shows `pending-cancel` and can still fill until `onOrder` reports `cancelled` (or
   * `cancel-rejected` when the venue filled it first).
   */
  cancel(orderId: string): ModifyResult;
  /** Cancels every open order (of one instrument when given); returns how many cancels were sent. */
  cancelAll(instrument?: string): number;
  /**
   * Asks the venue to change price/quantity of an acknowledged open order. The order
   * shows `pending-update` and keeps its old terms (fills in flight apply to them) until
   * `onOrder` reports `updated` or `update-rejected`.
   */
  replace(orderId: string, changes: OrderChanges): ModifyResult;
  /**
   * An entry with a protective stop and/or profit target: the exits are placed when the
   * entry fills, sized to what filled, and one cancels (or reduces) the other.
   */
  bracket(request: BracketRequest): BracketResult;
  /** Two orders of the same quantity where a fill of one reduces the other, and a complete fill cancels it. */
  oco(a: OrderRequest, b: OrderRequest): OcoResult;
  /** Signed position quantity (the only instrument when omitted). */
  position(instrument?: string): number;
  /** Full position snapshot. */
  positionView(instrument?: string): PositionView;
  /** Open orders, optionally of one instrument. */
  openOrders(instrument?: string): readonly Readonly<Order>[];
  /** The instrument's L2 book as of now (runs with book deltas only). */
  book(instrument?: string): BookReader;
  /** True when any order (of `instrument`, when given) is still open; allocation-free. */
  hasOpenOrders(instrument?: string): boolean;
  /** Account state. */
  readonly portfolio: PortfolioView;
  /** Sets a named timer (see `Clock.setTimer`). */
  setTimer(name: string, at: Micros, intervalMicros?: number): void;
  /** Cancels a named timer. */
  cancelTimer(name: string): boolean;
  /** Logger stamped with engine time. */
  readonly log: Logger;
  /** True while history before the run's start is replayed (`StrategyDefinition.history`): orders are refused then. */
  readonly warmingUp: boolean;
}

/**
 * A trading strategy: plain callbacks over normalized events. Every callback is optional
 * and synchronous. Market event arguments are reused views: copy fields, never keep them.
 * `onOrder` reports every lifecycle event of every order — submitted, accepted, rejected,
 * triggered, pending-update → updated | update-rejected, pending-cancel → cancelled |
 * cancel-rejected, partially-filled, filled, expired — in the same order in backtest,
 * paper and live mode (only the timing differs). It is never called from inside another
 * callback: events raised meanwhile are delivered when that callback returns.
 */
export interface Strategy {
  onStart?(ctx: Context): void;
  onBar?(bar: BarView, ctx: Context): void;
  /**
   * Every feed's bar of one time, once all of them have been delivered (after their
   * `onBar` calls, before time moves on): pair and portfolio strategies decide here, on the
   * complete picture. Orders sent here fill on later bars only. The views are reused.
   */
  onBars?(bars: readonly BarView[], ctx: Context): void;
  onTrade?(trade: TradeView, ctx: Context): void;
  onQuote?(quote: QuoteView, ctx: Context): void;
  onBook?(delta: BookDeltaView, ctx: Context): void;
  onOrder?(event: OrderEvent, ctx: Context): void;
  onFill?(fill: Fill, ctx: Context): void;
  onTimer?(timer: TimerEvent, ctx: Context): void;
  onStop?(ctx: Context): void;
}

/** A strategy module's export: its parameter schema and a factory. */
export interface StrategyDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Folder name / identifier. */
  readonly name: string;
  /** One line on what it trades. */
  readonly description: string;
  /** zod strict object schema; defaults resolve here. */
  readonly params: S;
  /** Builds a fresh strategy instance from validated params. */
  create(params: z.output<S>): Strategy;
  /** Default search space for optimizers (ranges and constraints of the params). */
  readonly space?: SearchSpace;
  /**
   * History the strategy needs before its first decision, e.g. `(p) => ({ bars: p.period })`.
   * A live session fetches that many closed bars from the venue and a backtest starting at
   * `from` takes them from the data before it; they reach `onBar` (or `onBars`) with orders
   * refused, so indicators start where a longer backtest would have them.
   */
  history?(params: z.output<S>): { readonly bars: number };
}

/** Declares a strategy (identity function that freezes and types the definition). */
export function defineStrategy<S extends z.ZodObject>(def: StrategyDefinition<S>): StrategyDefinition<S> {
  return Object.freeze(def);
}

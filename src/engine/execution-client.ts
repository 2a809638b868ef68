import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Liquidity } from '../core/fill.ts';
import type { Order, OrderChanges, OrderStatus, RejectReason } from '../core/order.ts';
import type { Portfolio } from './portfolio.ts';

/** A refusal from a venue or a check. */
export interface Refusal {
  readonly reason: RejectReason;
  readonly message: string;
}

/** What a venue (simulated or real) reports back to the engine. */
export interface OrderEventSink {
  /** The venue filled `qty` of `order` at `price`, charging `fee`. */
  fillReceived(order: Order, price: number, qty: number, fee: number, liquidity: Liquidity): void;
  /** The venue changed an order's status on its own (cancelled, expired, rejected, triggered). */
  statusChanged(order: Order, status: OrderStatus, reason?: string): void;
}

/**
 * Where orders go. The engine validates, then hands the order over; a refusal here becomes
 * a rejected `SubmitResult`. Simulated venues also see market data before and after the
 * strategy does, to match resting orders.
 */
export interface ExecutionClient {
  /**
   * Called once before the run with the sink for fills and status changes and the
   * account (simulated venues check cash against it).
   */
  bind(sink: OrderEventSink, account: Portfolio): void;
  submit(order: Order): Refusal | null;
  /**
   * Cancels an order: null when done at once, 'pending' when the request travels to the
   * venue (the order stays open until the venue reports the cancel — or fills it first).
   */
  cancel(order: Order): Refusal | null | 'pending';
  replace(order: Order, changes: OrderChanges): Refusal | null;
  /** Market hooks for simulated venues: before the strategy sees the event... */
  onBar?(bar: BarView): void;
  /** ...and after it (e.g. fills at the bar's close). */
  afterBar?(bar: BarView): void;
  onTrade?(trade: TradeView): void;
  onQuote?(quote: QuoteView): void;
  onBookDelta?(delta: BookDeltaView): void;
}

import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Liquidity } from '../core/fill.ts';
import type { OrderSnapshot, OrderType, RejectReason, TimeInForce } from '../core/order.ts';
import type { BookKeeper } from './book-reader.ts';
import type { Portfolio } from './portfolio.ts';

/** A refusal from a venue or a check. */
export interface Refusal {
  readonly reason: RejectReason;
  readonly message: string;
}

/** New terms of an order being replaced: the whole order, not a difference. */
export interface OrderAmendment {
  /** New total quantity (filled quantity included). */
  readonly qty: number;
  /** New limit price (NaN when the order has none). */
  readonly price: number;
  /** New trigger price (NaN when the order has none). */
  readonly stopPrice: number;
}

/**
 * What a venue reports about an order, by client order id. Every outcome of a command
 * arrives this way — at once (bar broker), after a latency model (simulated L2 venue) or
 * when the exchange answers (live) — and the engine applies it through one state machine
 * (core/order-lifecycle.ts). `reason` is a `RejectReason` code or a short venue text.
 */
export type VenueEvent =
  | { readonly kind: 'accepted'; readonly orderId: string }
  | { readonly kind: 'rejected'; readonly orderId: string; readonly reason: string }
  | { readonly kind: 'triggered'; readonly orderId: string }
  | {
    readonly kind: 'fill'; readonly orderId: string; readonly price: number; readonly qty: number;
    /** Fee charged (negative: a rebate). */
    readonly fee: number; readonly liquidity: Liquidity;
  }
  | { readonly kind: 'updated'; readonly orderId: string; readonly qty: number; readonly price: number; readonly stopPrice: number }
  | { readonly kind: 'update-rejected'; readonly orderId: string; readonly reason: string }
  | { readonly kind: 'cancelled'; readonly orderId: string; readonly reason: string }
  | { readonly kind: 'cancel-rejected'; readonly orderId: string; readonly reason: string }
  | { readonly kind: 'expired'; readonly orderId: string; readonly reason: string }
  /**
   * A commission charged on an earlier fill of the order, reported after that fill (a live
   * exchange whose report of the trade came after its report of the order). Not a lifecycle
   * event: the account pays it, whatever the order's status.
   */
  | { readonly kind: 'fee'; readonly orderId: string; readonly fee: number };

/** The venue events that go through the order lifecycle (all but a late fee). */
export type LifecycleEvent = Exclude<VenueEvent, { kind: 'fee' }>;

/** Where a venue sends its events (the engine). */
export interface OrderEventSink {
  onVenueEvent(event: VenueEvent): void;
}

/**
 * What a venue carries natively. The engine emulates stop and stop-limit orders, DAY
 * expiry and reduce-only for a venue that lacks them, and refuses (with
 * `unsupported-order-type`) anything else the venue cannot carry.
 */
export interface VenueCapabilities {
  /** Order types the venue accepts as such. */
  readonly orderTypes: ReadonlySet<OrderType>;
  /** Times in force the venue applies itself. */
  readonly timeInForce: ReadonlySet<TimeInForce>;
  /** The venue refuses a post-only order that would take liquidity. */
  readonly postOnly: boolean;
  /** The venue refuses or trims a reduce-only order that would grow a position. */
  readonly reduceOnly: boolean;
  /**
   * Resting orders reserve what they may spend (spot venues): two exits for the same
   * position cannot rest at once, so bracket/OCO exits beyond the first are held by the
   * engine and go out only after the others are cancelled.
   */
  readonly reservesBalance: boolean;
}

/**
 * Where orders go: a simulated venue or a live adapter. Commands only — a client refuses
 * a command synchronously only for a local reason (a type it cannot carry, a malformed
 * request); every other outcome arrives through the sink as a `VenueEvent`. Clients hold
 * snapshots and ids, never the engine's orders. Simulated venues also see market data
 * before and after the strategy does, to match resting orders.
 */
export interface ExecutionClient {
  /** What this venue carries natively. */
  readonly capabilities: VenueCapabilities;
  /**
   * Called once before the run with the sink for order events and the account (simulated
   * venues check cash against it).
   */
  bind(sink: OrderEventSink, account: Portfolio): void;
  /** Sends a new order. */
  submit(order: OrderSnapshot): Refusal | null;
  /** Asks the venue to cancel an order: answered by `cancelled`, or `cancel-rejected` when too late. */
  cancel(orderId: string): void;
  /** Asks the venue to change an order: answered by `updated` or `update-rejected` (or `cancelled` when the new quantity is at or below what has filled). */
  replace(orderId: string, terms: OrderAmendment): Refusal | null;
  /**
   * Live clients: re-read an order from the venue and report what differs (called when
   * one of its events broke the order lifecycle).
   */
  reconcile?(orderId: string): void;
  /**
   * Live clients, when the kill switch trips: requests not yet sent are dropped (reported
   * `rejected`) and the cancels that follow go out as the venue's cancel-all where it has one.
   */
  halt?(): void;
  /** Market hooks for simulated venues: before the strategy sees the event... */
  onBar?(bar: BarView): void;
  /** ...and after it (e.g. fills at the bar's close). */
  afterBar?(bar: BarView): void;
  onTrade?(trade: TradeView): void;
  onQuote?(quote: QuoteView): void;
  onBookDelta?(delta: BookDeltaView): void;
  /**
   * A simulated venue's books, which it applies every replayed delta and quote to. When the
   * session hands the strategy these same books, the engine does not apply them again.
   */
  readonly books?: BookKeeper;
  /**
   * Simulated venues with a slippage model: what fills paid over their reference prices so
   * far, in cash (negative: price improvement). Absent where fills are at book prices.
   */
  slippagePaid?(): number;
}

import type { Instrument } from './instrument.ts';
import type { Micros } from './time.ts';

export const Side = { buy: 'buy', sell: 'sell' } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = {
  market: 'market',
  limit: 'limit',
  stop: 'stop',
  stopLimit: 'stop-limit',
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = {
  /** Good till cancelled. */
  GTC: 'GTC',
  /** Immediate or cancel: fill what can be filled at the first opportunity, cancel the rest. */
  IOC: 'IOC',
  /** Fill or kill: fill all at the first opportunity or cancel all. */
  FOK: 'FOK',
  /** Cancelled at the end of the UTC day it was submitted on. */
  DAY: 'DAY',
} as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

export const OrderStatus = {
  /** Sent to the venue; no answer yet. */
  submitted: 'submitted',
  /** Acknowledged by the venue (or held by the engine's emulator): working. */
  accepted: 'accepted',
  /** Stop or stop-limit whose trigger price traded. */
  triggered: 'triggered',
  partiallyFilled: 'partially-filled',
  /** A replace is on its way; the venue's version (old price/qty) still applies. */
  pendingUpdate: 'pending-update',
  /** A cancel is on its way; the order can still fill until the venue confirms. */
  pendingCancel: 'pending-cancel',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
  /** Ended by its time in force (DAY, IOC/FOK remainder, a market order without depth). */
  expired: 'expired',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** Reasons an order is refused, before or after it reaches the venue. */
export const RejectReason = {
  invalidQuantity: 'invalid-quantity',
  invalidPrice: 'invalid-price',
  missingPrice: 'missing-price',
  unknownInstrument: 'unknown-instrument',
  postOnlyWouldCross: 'post-only-would-cross',
  reduceOnlyWouldIncrease: 'reduce-only-would-increase',
  insufficientCash: 'insufficient-cash',
  unknownOrder: 'unknown-order',
  notOpen: 'order-not-open',
  riskLimit: 'risk-limit',
  halted: 'halted',
  /** The venue cannot carry this order type or flag and the engine cannot emulate it. */
  unsupportedOrderType: 'unsupported-order-type',
  /** Replace of an order the venue has not acknowledged yet. */
  notAcknowledged: 'not-acknowledged',
  /** A replace or cancel of this order is already on its way. */
  requestPending: 'request-pending',
  /** The venue no longer had the order open when the request arrived (it filled or ended first). */
  tooLate: 'too-late',
  /** The venue refused the request for a reason of its own (message says which). */
  venue: 'venue',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** What a strategy asks for. Prices are absolute; quantities are positive. */
export interface OrderRequest {
  /** Instrument id (`SYMBOL.VENUE`) or the instrument itself; optional when the run has one instrument. */
  instrument?: string | Instrument;
  /** Buy or sell. */
  side: Side;
  /** Positive quantity in instrument units (a multiple of the lot size). */
  qty: number;
  /** Defaults to market. */
  type?: OrderType;
  /** Limit price (limit and stop-limit orders). */
  price?: number;
  /** Trigger price (stop and stop-limit orders). */
  stopPrice?: number;
  /** Defaults to GTC. */
  tif?: TimeInForce;
  /** Reject instead of taking liquidity. */
  postOnly?: boolean;
  /** May only reduce an existing position. */
  reduceOnly?: boolean;
  /** Free text carried into results. */
  tag?: string;
  /**
   * Stop and stop-limit orders: hold the order in the engine and send it only when it
   * triggers, even where the venue could carry it (a stop the venue does not see).
   */
  emulate?: boolean;
}

/** Changes for cancel/replace; omitted fields keep their value. */
export interface OrderChanges {
  /** New total quantity (must stay above the filled quantity). */
  qty?: number;
  /** New limit price. */
  price?: number;
  /** New trigger price. */
  stopPrice?: number;
}

/**
 * An order as the engine knows it. The engine owns this object and changes it only when
 * it applies a lifecycle event; strategies read it (`Readonly<Order>`); venues never see
 * it — they get an `OrderSnapshot` and answer by id.
 */
export interface Order {
  /** Client order id, unique within a run or session. */
  readonly id: string;
  /** Instrument id. */
  readonly instrumentId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Total quantity (the venue's version: a pending replace changes it when `updated` arrives). */
  qty: number;
  /** Limit price, NaN when not a limit. */
  price: number;
  /** Trigger price, NaN when not a stop. */
  stopPrice: number;
  status: OrderStatus;
  /** Filled quantity so far. */
  filledQty: number;
  /** Volume-weighted average fill price (NaN before the first fill). */
  avgFillPrice: number;
  /** Fees paid on this order so far. */
  fees: number;
  /** Submission time. */
  readonly createdTs: Micros;
  /** Time of the last status change. */
  updatedTs: Micros;
  /** Why it was rejected, cancelled or expired, when it was. */
  reason?: string;
  /** Free text from the request (bracket legs get `<tag>:entry`, `:stop-loss`, `:take-profit`). */
  readonly tag?: string;
  /** What the engine does for the venue: held and triggered locally (stop types), expired locally (DAY), kept reducing (reduce-only). */
  emulated: readonly EmulatedFeature[];
}

/** Order features the engine's emulator provides when a venue lacks them. */
export const EmulatedFeature = {
  stop: 'stop',
  stopLimit: 'stop-limit',
  day: 'DAY',
  reduceOnly: 'reduce-only',
} as const;
export type EmulatedFeature = (typeof EmulatedFeature)[keyof typeof EmulatedFeature];

/** An order's `emulated` when the engine emulates nothing for it (one shared frozen list). */
export const NO_FEATURES: readonly EmulatedFeature[] = Object.freeze([]);

/**
 * What a venue receives: a copy of the order's terms at the time of the command, immutable
 * by type (every field readonly; not frozen at run time, which would cost ~100 ns per order
 * on the bar path). Venues refer back to the order by `id` only.
 */
export interface OrderSnapshot {
  readonly id: string;
  readonly instrumentId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly qty: number;
  readonly price: number;
  readonly stopPrice: number;
  readonly createdTs: Micros;
}

/** The venue-facing copy of an order's terms, with overrides (emulated orders go out as market/limit, GTC). */
export function snapshotOf(o: Readonly<Order>, overrides?: Partial<OrderSnapshot>): OrderSnapshot {
  const s: OrderSnapshot = {
    id: o.id, instrumentId: o.instrumentId, side: o.side, type: o.type, tif: o.tif, postOnly: o.postOnly,
    reduceOnly: o.reduceOnly, qty: o.qty, price: o.price, stopPrice: o.stopPrice, createdTs: o.createdTs,
  };
  return overrides === undefined ? s : Object.assign(s, overrides);
}

/** Result of `submit`: rejection is a normal outcome, not an exception. */
export type SubmitResult =
  | { readonly ok: true; readonly order: Readonly<Order> }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

/** Result of `cancel` and `replace`: ok means the request was sent (the outcome arrives as events). */
export type ModifyResult =
  | { readonly ok: true; readonly order: Readonly<Order> }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

/** True while an order can still fill (sent and not yet ended). */
export function isOpen(status: OrderStatus): boolean {
  return status !== OrderStatus.filled && status !== OrderStatus.cancelled && status !== OrderStatus.rejected && status !== OrderStatus.expired;
}

/**
 * True for an order type's name. A switch, not a Set of the names: on every order's path, where
 * `Set#has` is a hash-table call (with a string comparison inside) and a switch compares the
 * interned names in place.
 */
export function isOrderType(x: unknown): x is OrderType {
  switch (x) {
    case OrderType.market: case OrderType.limit: case OrderType.stop: case OrderType.stopLimit: return true;
    default: return false;
  }
}

/** True for a time in force's name (a switch: see isOrderType). */
export function isTimeInForce(x: unknown): x is TimeInForce {
  switch (x) {
    case TimeInForce.GTC: case TimeInForce.IOC: case TimeInForce.FOK: case TimeInForce.DAY: return true;
    default: return false;
  }
}

/** +1 for buys, -1 for sells. */
export function sideSign(side: Side): 1 | -1 {
  return side === Side.buy ? 1 : -1;
}

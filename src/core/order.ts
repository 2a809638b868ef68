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
  /** Passed local checks and was handed to the venue. */
  accepted: 'accepted',
  /** Stop-limit whose stop price traded; now a resting limit. */
  triggered: 'triggered',
  partiallyFilled: 'partially-filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
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

/** An order's full, mutable state; strategies get it read-only. */
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
  /** Total quantity. */
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
  /** Free text from the request. */
  readonly tag?: string;
}

/** Result of `submit`: rejection is a normal outcome, not an exception. */
export type SubmitResult =
  | { readonly ok: true; readonly order: Readonly<Order> }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

/** Result of `cancel` and `replace`. */
export type ModifyResult =
  | { readonly ok: true; readonly order: Readonly<Order> }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

/** True while an order can still fill. */
export function isOpen(status: OrderStatus): boolean {
  return status === OrderStatus.accepted || status === OrderStatus.triggered || status === OrderStatus.partiallyFilled;
}

/** +1 for buys, -1 for sells. */
export function sideSign(side: Side): 1 | -1 {
  return side === Side.buy ? 1 : -1;
}

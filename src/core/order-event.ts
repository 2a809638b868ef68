import type { Fill } from './fill.ts';
import type { Order, OrderStatus } from './order.ts';
import type { Micros } from './time.ts';

/** Every step of an order's life a strategy is told about, in every mode. */
export const OrderEventKind = {
  /** The strategy's order left for the venue. */
  submitted: 'submitted',
  accepted: 'accepted',
  rejected: 'rejected',
  triggered: 'triggered',
  /** The strategy asked for a replace; the venue has not answered. */
  pendingUpdate: 'pending-update',
  updated: 'updated',
  updateRejected: 'update-rejected',
  /** The strategy (or the kill switch) asked for a cancel; the venue has not answered. */
  pendingCancel: 'pending-cancel',
  cancelled: 'cancelled',
  cancelRejected: 'cancel-rejected',
  partiallyFilled: 'partially-filled',
  filled: 'filled',
  expired: 'expired',
} as const;
export type OrderEventKind = (typeof OrderEventKind)[keyof typeof OrderEventKind];

/** One lifecycle event, as `Strategy.onOrder` receives it. */
export interface OrderEvent {
  readonly kind: OrderEventKind;
  /** The order (the engine's live object: read `status` here for the state at this event). */
  readonly order: Readonly<Order>;
  /** The order's status right after this event. */
  readonly status: OrderStatus;
  /** Engine time of the event. */
  readonly ts: Micros;
  /** Why: the reason of a rejection, cancel, expiry or refused request. */
  readonly reason?: string;
  /** The execution, for `partially-filled` and `filled`. */
  readonly fill?: Fill;
}

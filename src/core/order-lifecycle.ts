import { OrderStatus } from './order.ts';

/**
 * The order state machine every venue's events go through (after NautilusTrader's order
 * FSM). An order's state is its *working* status — what the venue has told us about the
 * order itself — plus at most one pending request of each kind the strategy sent (a
 * replace, a cancel). The status a strategy reads is derived from both: a pending cancel
 * shows as `pending-cancel`, a pending replace as `pending-update`, and the order keeps
 * filling on the venue's version until the venue answers.
 */

/** What a venue reports about an order. `fill` covers partial and complete fills. */
export const VenueEventKind = {
  accepted: 'accepted',
  rejected: 'rejected',
  triggered: 'triggered',
  fill: 'fill',
  updated: 'updated',
  updateRejected: 'update-rejected',
  cancelled: 'cancelled',
  cancelRejected: 'cancel-rejected',
  expired: 'expired',
} as const;
export type VenueEventKind = (typeof VenueEventKind)[keyof typeof VenueEventKind];

/** Working statuses an order can be in before it ends. */
type Live = typeof OrderStatus.submitted | typeof OrderStatus.accepted | typeof OrderStatus.triggered | typeof OrderStatus.partiallyFilled;

const S = OrderStatus;

/**
 * Allowed working-status transitions: `TABLE[from][event]` is the next working status.
 * A fill leads to `partially-filled`, or `filled` when it completes the order. Absent
 * entries are illegal transitions. `updated`, `update-rejected` and `cancel-rejected`
 * resolve a pending request and leave the working status as it is (see `applyVenueEvent`).
 */
export const TRANSITIONS: Readonly<Record<Live, Readonly<Partial<Record<VenueEventKind, OrderStatus>>>>> = {
  [S.submitted]: { accepted: S.accepted, rejected: S.rejected, fill: S.partiallyFilled, cancelled: S.cancelled, expired: S.expired },
  [S.accepted]: { triggered: S.triggered, rejected: S.rejected, fill: S.partiallyFilled, cancelled: S.cancelled, expired: S.expired },
  // A triggered stop-limit can still be refused when it goes to the book (e.g. margin).
  [S.triggered]: { rejected: S.rejected, fill: S.partiallyFilled, cancelled: S.cancelled, expired: S.expired },
  // backtrader-style brokers refuse the rest of a partly filled order the cash cannot pay for.
  [S.partiallyFilled]: { rejected: S.rejected, fill: S.partiallyFilled, cancelled: S.cancelled, expired: S.expired },
};

/** An order's lifecycle state: the venue's working status and the requests on their way. */
export interface LifecycleState {
  working: OrderStatus;
  /** A replace was sent and not yet answered. */
  pendingUpdate: boolean;
  /** A cancel was sent and not yet answered. */
  pendingCancel: boolean;
}

/** True once the order has ended (nothing more can happen to it). */
export function isTerminal(status: OrderStatus): boolean {
  return status === S.filled || status === S.cancelled || status === S.rejected || status === S.expired;
}

/** The status strategies read. */
export function displayStatus(s: LifecycleState): OrderStatus {
  if (isTerminal(s.working)) return s.working;
  if (s.pendingCancel) return S.pendingCancel;
  if (s.pendingUpdate) return S.pendingUpdate;
  return s.working;
}

/** Outcome of applying a venue event: `ok`, `late` (an answer about an order that already ended; nothing changes) or `illegal`. */
export type ApplyOutcome = 'ok' | 'late' | 'illegal';

/**
 * Applies a venue event to `s` in place. `complete` tells whether a fill completes the
 * order. Answers to a request that arrive after the order ended (a cancel that came too
 * late for a fill) are `late`: legal, and they change nothing.
 */
export function applyVenueEvent(s: LifecycleState, kind: VenueEventKind, complete = false): ApplyOutcome {
  // The two events of every order, decided without the table (same outcome: tested against it).
  const w = s.working;
  if (kind === VenueEventKind.accepted && w === S.submitted) {
    s.working = S.accepted;
    return 'ok';
  }
  if (kind === VenueEventKind.fill && (w === S.accepted || w === S.partiallyFilled || w === S.triggered || w === S.submitted)) {
    s.working = complete ? S.filled : S.partiallyFilled;
    if (complete) {
      s.pendingCancel = false;
      s.pendingUpdate = false;
    }
    return 'ok';
  }
  if (isTerminal(w)) return answersRequest(kind) ? 'late' : 'illegal';
  switch (kind) {
    case VenueEventKind.updated:
    case VenueEventKind.updateRejected:
      if (!s.pendingUpdate) return 'illegal';
      s.pendingUpdate = false;
      return 'ok';
    case VenueEventKind.cancelRejected:
      if (!s.pendingCancel) return 'illegal';
      s.pendingCancel = false;
      return 'ok';
    default: {
      let next = TRANSITIONS[s.working as Live][kind];
      if (next === undefined) return 'illegal';
      if (kind === VenueEventKind.fill && complete) next = S.filled;
      s.working = next;
      if (isTerminal(next)) {
        s.pendingCancel = false;
        s.pendingUpdate = false;
      }
      return 'ok';
    }
  }
}

/** True for the events that only answer a request (a refused cancel or replace): once the order ended they come late and change nothing. */
export function answersRequest(kind: VenueEventKind): boolean {
  return kind === VenueEventKind.cancelRejected || kind === VenueEventKind.updateRejected;
}

/** Why a cancel cannot be sent now, or null. */
export function cancelBlocked(s: LifecycleState): 'not-open' | 'pending' | null {
  if (isTerminal(s.working)) return 'not-open';
  return s.pendingCancel ? 'pending' : null;
}

/** Why a replace cannot be sent now, or null. */
export function replaceBlocked(s: LifecycleState): 'not-open' | 'not-acknowledged' | 'pending' | null {
  if (isTerminal(s.working)) return 'not-open';
  if (s.working === S.submitted) return 'not-acknowledged';
  return s.pendingCancel || s.pendingUpdate ? 'pending' : null;
}

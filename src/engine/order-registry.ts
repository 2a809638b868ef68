import { applyVenueEvent, displayStatus, isTerminal, type ApplyOutcome, type LifecycleState } from '../core/order-lifecycle.ts';
import type { Order } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { LifecycleEvent, OrderAmendment, VenueEvent } from './execution-client.ts';
import { OpenOrders } from './open-orders.ts';
import { OrderLog } from './order-log.ts';
import { idNumber, ORDER_ID_PREFIX } from './id-column.ts';
import type { OrderColumns } from './result-sink.ts';
import { anyValues, removeAt } from '../core/array-edit.ts';

/** The engine's record of one order: the strategy-visible order plus its lifecycle state (working status, requests on their way). */
export interface TrackedOrder extends LifecycleState {
  /** The order strategies read (changed only here). */
  readonly order: Order;
  /** Instrument slot. */
  readonly slot: number;
  /** Its id's number (`idNumber`: −1 for an id not of the engine's form), for the logs' id columns. */
  readonly seq: number;
  /** Its row in the registry's order log (-1 when the run keeps no records). */
  row: number;
  /** Terms of the replace on its way (applied when `updated` arrives). */
  pending: OrderAmendment | null;
  /** The emulator released this order to the venue: the venue's `accepted` is not news to the strategy. */
  releasing: boolean;
  /**
   * The engine cancelled this order on its own (an emulated DAY expiry, reduce-only upkeep):
   * the venue's `cancelled` reaches the strategy as this, with no pending-cancel step.
   */
  endAs: { readonly kind: 'expired' | 'cancelled'; readonly reason: string } | null;
}

/**
 * Orders that ended while a request of theirs was still on its way stay findable for its
 * late answer (a cancel that arrives after the fill): the last this many of them, in a ring
 * searched newest first (late answers come within a round trip of the end). A ring, not a
 * Map: a market maker ends most of its orders so, and hashing each id into a growing Map
 * cost more than the rest of retiring the order. Small, because everything it holds lives
 * on: at 16,384 a market maker's ended orders outlived two scavenges and were copied to the
 * old space (~70 MB of the L2 bench's 130 MB promoted). An answer to an order that left it
 * changes nothing and is let go (OrderFlow).
 */
export const ENDED_KEPT = 1_024;


/**
 * Every order of a run: by id while open (and for a while after it ends, so late venue
 * answers still find it), in submission order for the result, and the open ones for the
 * strategy's queries. Applies venue events to an order's fields through the lifecycle.
 */
export class OrderRegistry {
  /** Every order, in submission order, ended ones as columns (none when the run keeps no records). */
  readonly log: OrderLog;
  /** Open orders, in submission order. */
  readonly open = new OpenOrders();
  /**
   * The open orders' records, in the same order. A list, not a Map: a strategy has few
   * orders open, and a scan of a few ids is cheaper than a Map insert and delete per order.
   */
  private readonly live: TrackedOrder[] = anyValues();
  /** Orders that ended with a request on its way: a ring of ENDED_KEPT, the next written at `endedNext`. */
  private readonly ended: TrackedOrder[] = [];
  private endedNext = 0;

  /**
   * @param keep keep every order for the result (false: optimizer trials that read only the metrics)
   * @param idPrefix the prefix of the ids the engine issues (see IdColumn)
   */
  constructor(private readonly keep = true, private readonly idPrefix = ORDER_ID_PREFIX) {
    this.log = new OrderLog(idPrefix);
  }

  /** Registers a new order (status `submitted`); `seq`: its id's number, when the caller has it (the engine's own orders). */
  add(order: Order, slot: number, seq = idNumber(order.id, this.idPrefix)): TrackedOrder {
    const row = this.keep ? this.log.add(order, seq) : -1;
    const t: TrackedOrder = { order, slot, seq, row, working: order.status, pendingUpdate: false, pendingCancel: false, pending: null, releasing: false, endAs: null };
    this.live.push(t);
    this.open.add(order);
    return t;
  }

  /** Records an order refused before it left (never open). */
  addRefused(order: Order, seq: number): void {
    if (this.keep) this.log.end(this.log.add(order, seq));
  }

  /**
   * Takes the ended orders out of the log (for a result sink), in submission order; the open
   * ones stay, renumbered.
   */
  takeEnded(): OrderColumns {
    return this.log.takeEnded((order, row) => {
      const t = this.getOpen(order.id);
      if (t !== undefined) t.row = row;
    });
  }

  /** The order with this id, open or recently ended. */
  get(id: string): TrackedOrder | undefined {
    return this.getOpen(id) ?? this.getEnded(id);
  }

  /** The open order with this id. */
  getOpen(id: string): TrackedOrder | undefined {
    const live = this.live;
    for (let k = 0; k < live.length; k++) if (live[k].order.id === id) return live[k];
    return undefined;
  }

  /** A recently ended order with this id (newest first). */
  getEnded(id: string): TrackedOrder | undefined {
    const r = this.ended;
    for (let k = 1; k <= r.length; k++) {
      const t = r[(this.endedNext - k + ENDED_KEPT) % ENDED_KEPT];
      if (t.order.id === id) return t;
    }
    return undefined;
  }

  /**
   * Applies a venue event's lifecycle change and its effect on the order's fields (all
   * but the fill's accounting, which the engine does). Returns the lifecycle outcome.
   */
  apply(t: TrackedOrder, e: LifecycleEvent, ts: Micros, fillCompletes: boolean): ApplyOutcome {
    const waiting = t.pendingCancel || t.pendingUpdate || t.endAs !== null;
    const outcome = applyVenueEvent(t, e.kind, fillCompletes);
    if (outcome !== 'ok') return outcome;
    const o = t.order;
    o.updatedTs = ts;
    if (e.kind === 'updated') {
      o.qty = e.qty;
      o.price = e.price;
      o.stopPrice = e.stopPrice;
      t.pending = null;
    } else if (e.kind === 'update-rejected') {
      t.pending = null;
    } else if (e.kind === 'fill') {
      const filled = o.filledQty + e.qty;
      o.avgFillPrice = o.filledQty === 0 ? e.price : (o.avgFillPrice * o.filledQty + e.price * e.qty) / filled;
      o.filledQty = filled;
      o.fees += e.fee;
    } else if (e.kind === 'rejected' || e.kind === 'cancelled' || e.kind === 'expired') {
      o.reason = e.reason;
    }
    this.refresh(t, waiting);
    return 'ok';
  }

  /** Re-derives the order's status after a local change of its lifecycle (a request sent). */
  refresh(t: TrackedOrder, waiting = false): void {
    t.order.status = displayStatus(t);
    if (isTerminal(t.working)) this.retire(t, waiting);
  }

  private retire(t: TrackedOrder, waiting: boolean): void {
    // The two lists hold the same orders in the same order: one search serves both.
    const k = this.live.indexOf(t);
    if (k < 0) return;
    removeAt(this.live, k);
    this.open.deleteAt(k);
    if (t.row >= 0) this.log.end(t.row);
    if (!waiting) return; // no answer can still come for it
    const r = this.ended;
    if (r.length < ENDED_KEPT) r.push(t);
    else r[this.endedNext] = t;
    this.endedNext = (this.endedNext + 1) % ENDED_KEPT;
  }
}

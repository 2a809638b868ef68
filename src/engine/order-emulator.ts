import { EmulatedFeature, RejectReason, sideSign } from '../core/order.ts';
import { MICROS_PER_DAY, utcDay, type Micros } from '../core/time.ts';
import type { OrderAmendment, VenueEvent } from './execution-client.ts';
import type { TrackedOrder } from './order-registry.ts';
import { removeAt } from '../core/array-edit.ts';

/** What the emulator asks of the engine. */
export interface EmulatorHost {
  /** Delivers an event about an emulated order as a venue would. */
  emit(event: VenueEvent): void;
  /**
   * A held stop triggered: send it to the venue as its released type. False when it must
   * wait (a contingent sibling is being cancelled first); `releaseHeld` sends it later.
   */
  release(t: TrackedOrder): boolean;
  /** A DAY order's day is over: cancel it at the venue (the cancel ends it as `expired`). */
  expire(t: TrackedOrder): void;
  /** Reduce-only upkeep: change an order's quantity, or cancel it (`qty` 0). */
  resize(t: TrackedOrder, qty: number, reason: string): void;
  /** Signed position of an instrument slot. */
  position(slot: number): number;
}

interface Held {
  readonly t: TrackedOrder;
  /** +1 buy stop (triggers at or above), −1 sell stop (at or below). */
  readonly dir: 1 | -1;
  stopPrice: number;
  /** Triggered and waiting to be released. */
  triggered: boolean;
}

/**
 * The engine's order emulator (as NautilusTrader's OrderEmulator): for a venue that
 * lacks them it holds stop and stop-limit orders and triggers them locally on the last
 * trade price (bars: high/low once the venue has matched the bar), then releases them to
 * the venue as market / limit orders; it expires DAY orders at the end of their UTC day;
 * and it keeps reduce-only orders from outgrowing the position. Backtests configured for
 * such a venue use the same emulator, so a strategy sees the same events in every mode.
 */
export class OrderEmulator {
  private readonly held: Held[][];
  private readonly expiries = new Map<TrackedOrder, Micros>();
  private readonly reducing: Set<TrackedOrder>[];
  /** Earliest DAY expiry (one comparison per event while none is due). */
  nextExpiry: Micros = Infinity;
  /** Stop orders held (the engine skips the trigger checks while there are none). */
  holding = 0;
  /** A reduce-only order was emulated in this run: until then a fill has no upkeep to check (a flag, where a set's size is a builtin's load per fill). */
  private reduces = false;

  constructor(slots: number, private readonly host: EmulatorHost) {
    this.held = Array.from({ length: slots }, () => []);
    this.reducing = Array.from({ length: slots }, () => new Set());
  }

  /** Starts emulating the given features of a new order; true when the emulator holds it (a stop type). */
  adopt(t: TrackedOrder, features: readonly EmulatedFeature[]): boolean {
    if (features.includes(EmulatedFeature.day)) this.scheduleExpiry(t);
    if (features.includes(EmulatedFeature.reduceOnly)) {
      this.reducing[t.slot].add(t);
      this.reduces = true;
    }
    const holds = features.includes(EmulatedFeature.stop) || features.includes(EmulatedFeature.stopLimit);
    if (holds) {
      this.held[t.slot].push({ t, dir: sideSign(t.order.side), stopPrice: t.order.stopPrice, triggered: false });
      this.holding++;
      this.host.emit({ kind: 'accepted', orderId: t.order.id });
    }
    return holds;
  }

  /** True while the emulator holds the order (not yet released to the venue). */
  holds(t: TrackedOrder): boolean {
    return this.indexOf(t) >= 0;
  }

  /** Hands a triggered order to the venue after a wait (see `EmulatorHost.release`). */
  releaseHeld(t: TrackedOrder): void {
    const k = this.indexOf(t);
    if (k < 0 || !this.held[t.slot][k].triggered) return;
    removeAt(this.held[t.slot], k);
    this.holding--;
    this.host.release(t);
  }

  /** Cancels a held order locally. */
  cancel(t: TrackedOrder, reason: string): void {
    const list = this.held[t.slot];
    removeAt(list, this.indexOf(t));
    this.holding--;
    this.host.emit({ kind: 'cancelled', orderId: t.order.id, reason });
  }

  /** Changes a held order locally. */
  replace(t: TrackedOrder, terms: OrderAmendment): void {
    this.held[t.slot][this.indexOf(t)].stopPrice = terms.stopPrice;
    this.host.emit({ kind: 'updated', orderId: t.order.id, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice });
  }

  /** A trade at `price`: held stops at or through it trigger. */
  onPrice(slot: number, price: number): void {
    if (this.held[slot].length > 0) this.trigger(slot, price, price);
  }

  /** A bar the venue has matched: stops inside its range trigger (their released orders work from the next bar). */
  onBar(slot: number, high: number, low: number): void {
    if (this.held[slot].length > 0) this.trigger(slot, high, low);
  }

  /** Expires DAY orders whose day ended by `ts`. */
  expireDue(ts: Micros): void {
    if (ts < this.nextExpiry) return;
    for (const [t, at] of [...this.expiries]) {
      if (at > ts) continue;
      this.expiries.delete(t);
      if (this.holds(t)) {
        removeAt(this.held[t.slot], this.indexOf(t));
        this.holding--;
        this.host.emit({ kind: 'expired', orderId: t.order.id, reason: 'day order expired' });
      } else {
        this.host.expire(t);
      }
    }
    this.nextExpiry = Math.min(Infinity, ...this.expiries.values());
  }

  /** After a fill on `slot`: emulated reduce-only orders there are trimmed to the position, or cancelled. */
  afterFill(slot: number): void {
    if (!this.reduces) return;
    const set = this.reducing[slot];
    if (set.size === 0) return;
    const pos = this.host.position(slot);
    for (const t of [...set]) {
      const o = t.order;
      if (o.status === 'filled' || o.status === 'cancelled' || o.status === 'rejected' || o.status === 'expired') {
        set.delete(t);
        continue;
      }
      if (t.pendingCancel || t.pendingUpdate || t.working === 'submitted') continue;
      const reduces = pos !== 0 && Math.sign(pos) === -sideSign(o.side);
      const room = reduces ? Math.abs(pos) : 0;
      if (room === 0) this.host.resize(t, 0, RejectReason.reduceOnlyWouldIncrease);
      else if (o.qty - o.filledQty > room + 1e-12) this.host.resize(t, o.filledQty + room, 'reduce-only trimmed to the position');
    }
  }

  /** Forgets an order that ended. */
  forget(t: TrackedOrder): void {
    this.expiries.delete(t);
    this.reducing[t.slot].delete(t);
  }

  private trigger(slot: number, high: number, low: number): void {
    const list = this.held[slot];
    for (let k = 0; k < list.length; k++) {
      const h = list[k];
      if (h.triggered || (h.dir === 1 ? high < h.stopPrice : low > h.stopPrice)) continue;
      h.triggered = true;
      this.host.emit({ kind: 'triggered', orderId: h.t.order.id });
      if (list[k] === h && this.host.release(h.t)) {
        removeAt(list, k--);
        this.holding--;
      }
      else if (list[k] !== h) k--;
    }
  }

  private scheduleExpiry(t: TrackedOrder): void {
    const at = (utcDay(t.order.createdTs) + 1) * MICROS_PER_DAY;
    this.expiries.set(t, at);
    if (at < this.nextExpiry) this.nextExpiry = at;
  }

  private indexOf(t: TrackedOrder): number {
    const list = this.held[t.slot];
    for (let k = 0; k < list.length; k++) if (list[k].t === t) return k;
    return -1;
  }
}

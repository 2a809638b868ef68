import type { VenueEvent, ExecutionClient, OrderAmendment } from './execution-client.ts';
import type { EmulatorHost, OrderEmulator } from './order-emulator.ts';
import type { OrderRegistry, TrackedOrder } from './order-registry.ts';
import { releasedType, venueCopy } from './order-routing.ts';
import type { Portfolio } from './portfolio.ts';

/** What the bridge uses of the order flow that owns it. */
export interface BridgedFlow {
  readonly registry: OrderRegistry;
  readonly emulator: OrderEmulator;
  onVenueEvent(e: VenueEvent): void;
}

/**
 * The order flow's side of the order emulator (its EmulatorHost): what the engine does at the
 * venue for orders whose features it emulates — a triggered stop released as its venue type, a
 * DAY order's end cancelled there, a reduce-only order resized there — and the events the
 * emulator raises, delivered as the venue's would be.
 */
export class EmulationBridge implements EmulatorHost {
  /** Decides whether a triggered emulated order may go to the venue now (contingent orders on spot venues wait for their siblings' cancels). */
  releaseGate: ((t: TrackedOrder) => boolean) | null = null;

  constructor(private readonly flow: BridgedFlow, private readonly venue: ExecutionClient, private readonly portfolio: Portfolio) {}

  emit(e: VenueEvent): void {
    this.flow.onVenueEvent(e);
  }

  release(t: TrackedOrder): boolean {
    if (this.releaseGate !== null && !this.releaseGate(t)) return false;
    t.releasing = true;
    const refused = this.venue.submit(venueCopy(t.order, releasedType(t.order.type)));
    if (refused) {
      t.releasing = false;
      this.flow.onVenueEvent({ kind: 'rejected', orderId: t.order.id, reason: refused.reason });
    }
    return true;
  }

  /** Sends a triggered order the release gate held back. */
  releaseHeld(orderId: string): void {
    const t = this.flow.registry.getOpen(orderId);
    if (t === undefined) return;
    const gate = this.releaseGate;
    this.releaseGate = null;
    this.flow.emulator.releaseHeld(t);
    this.releaseGate = gate;
  }

  expire(t: TrackedOrder): void {
    this.endQuietly(t, 'expired', 'day order expired');
  }

  resize(t: TrackedOrder, qty: number, reason: string): void {
    if (qty === 0) {
      this.endQuietly(t, 'cancelled', reason);
      return;
    }
    const terms: OrderAmendment = { qty, price: t.order.price, stopPrice: t.order.stopPrice };
    t.pendingUpdate = true;
    t.pending = terms;
    this.flow.registry.refresh(t);
    const emulator = this.flow.emulator;
    if (emulator.holds(t)) emulator.replace(t, terms);
    else if (this.venue.replace(t.order.id, terms)) this.flow.onVenueEvent({ kind: 'update-rejected', orderId: t.order.id, reason });
  }

  position(slot: number): number {
    return this.portfolio.position(slot);
  }

  /** An engine-initiated cancel whose confirmation reaches the strategy as `kind` (no pending-cancel step). */
  private endQuietly(t: TrackedOrder, kind: 'expired' | 'cancelled', reason: string): void {
    const emulator = this.flow.emulator;
    if (emulator.holds(t)) {
      emulator.cancel(t, reason);
      return;
    }
    t.endAs = { kind, reason };
    this.venue.cancel(t.order.id);
  }
}

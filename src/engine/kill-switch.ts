import { roundToTick, type Instrument } from '../core/instrument.ts';
import type { OrderEvent } from '../core/order-event.ts';
import { isTerminal } from '../core/order-lifecycle.ts';
import { Side, type ModifyResult, type OrderRequest, type SubmitResult } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { Logger } from './logger.ts';
import { packedMap } from '../core/array-edit.ts';

/** What the kill switch does after cancelling every open order. */
export const KillPolicy = {
  /** Nothing more: positions stay open (the summary lists them). */
  cancel: 'cancel',
  /** Close what the session opened at market, reduce-only, retried until back where it started or the venue refuses. */
  flatten: 'flatten',
} as const;
export type KillPolicy = (typeof KillPolicy)[keyof typeof KillPolicy];

/** The kill switch's record: why, when, what it did, what is left. */
export interface KillReport {
  readonly reason: string;
  /** Engine time it tripped. */
  readonly ts: Micros;
  readonly policy: KillPolicy;
  /** What the session still holds (instrument id → signed quantity opened since the start, adopted holdings excluded). */
  readonly openPositions: Readonly<Record<string, number>>;
  /** Orders the flatten step sent. */
  readonly flattenOrders: number;
  /** Every step, in order. */
  readonly steps: readonly string[];
}

/** What the kill switch drives. */
export interface KillHost {
  readonly instruments: readonly Instrument[];
  readonly log: Logger;
  now(): Micros;
  /** The session's own position: what it opened since the start (holdings adopted from a live account excluded). */
  position(slot: number): number;
  /** The whole position, adopted holdings included. */
  holding(slot: number): number;
  openOrderIds(): string[];
  /** True while an order of the instrument is still open (a cancel travelling, an order in flight). */
  hasOpenOrders(slot: number): boolean;
  cancel(orderId: string): ModifyResult;
  /** Sends an order past the halted state and the risk limits (only the kill switch may). */
  submitPastHalt(req: OrderRequest): SubmitResult;
}

/** Attempts per instrument before the flatten step gives up (a venue that keeps refusing). */
const MAX_ATTEMPTS = 5;

/**
 * The kill switch's sequence once the engine has halted: cancel every open order, then —
 * with `flatten` — close each position with a reduce-only market order, sending another
 * whenever one ends before the position is flat (a partial fill, an expired remainder),
 * until flat or the attempts run out. Every step is logged and kept in the report.
 */
export class KillSwitch {
  private tripped: { reason: string; ts: Micros } | null = null;
  private readonly steps: string[] = [];
  private readonly attempts: number[];
  private readonly working = new Map<string, number>();
  private sent = 0;

  constructor(private readonly host: KillHost, readonly policy: KillPolicy) {
    this.attempts = packedMap(host.instruments, () => 0);
  }

  trip(reason: string): void {
    this.tripped = { reason, ts: this.host.now() };
    const open = this.host.openOrderIds();
    for (const id of open) this.host.cancel(id);
    this.step(`cancelled ${open.length} open order(s)`);
    if (this.policy === KillPolicy.flatten) this.host.instruments.forEach((_, i) => this.flatten(i));
  }

  /**
   * Follows the orders after the trip. A flatten order that ended before its position was
   * flat is sent again; any other order's fill or end (a cancel confirmed, an order that
   * was in flight at the kill) may change what is left to close, so the flatten step looks
   * again once nothing else of that instrument is open.
   */
  order(e: OrderEvent): void {
    const slot = this.working.get(e.order.id);
    if (slot === undefined) {
      if (this.policy === KillPolicy.flatten && (e.fill !== undefined || isTerminal(e.status))) {
        this.flatten(this.host.instruments.findIndex((i) => i.id === e.order.instrumentId));
      }
      return;
    }
    if (!isTerminal(e.status)) return;
    this.working.delete(e.order.id);
    if (e.status !== 'filled') this.step(`flatten order ${e.order.id} ${e.status}${e.reason ? ` (${e.reason})` : ''}`);
    this.flatten(slot);
  }

  report(): KillReport | null {
    if (this.tripped === null) return null;
    const openPositions: Record<string, number> = {};
    this.host.instruments.forEach((inst, i) => {
      const pos = roundToTick(this.host.position(i), inst.lotSize);
      if (pos !== 0) openPositions[inst.id] = pos;
    });
    return { ...this.tripped, policy: this.policy, openPositions, flattenOrders: this.sent, steps: [...this.steps] };
  }

  private flatten(slot: number): void {
    const inst = this.host.instruments[slot];
    const pos = roundToTick(this.host.position(slot), inst.lotSize); // start and end positions differ by whole lots
    if (pos === 0 || [...this.working.values()].includes(slot)) return;
    // Cancels still travelling or orders in flight hold funds and may still fill: close what is left once they end.
    if (this.host.hasOpenOrders(slot)) return;
    if (this.attempts[slot]++ >= MAX_ATTEMPTS) {
      this.step(`gave up flattening ${inst.id} after ${MAX_ATTEMPTS} attempts: position ${pos} left open`);
      return;
    }
    // Reduce-only whenever the order brings the whole position towards zero (always, without adopted holdings).
    const held = this.host.holding(slot);
    const reduceOnly = Math.sign(held) === Math.sign(pos) && Math.abs(pos) <= Math.abs(held) + 1e-12;
    const r = this.host.submitPastHalt({ instrument: inst, side: pos > 0 ? Side.sell : Side.buy, qty: Math.abs(pos), reduceOnly, tag: 'kill-switch:flatten' });
    if (!r.ok) {
      this.step(`flatten of ${inst.id} (position ${pos}) refused: ${r.reason} ${r.message}`);
      return;
    }
    this.sent++;
    this.working.set(r.order.id, slot);
    this.step(`flatten ${inst.id}: ${r.order.side} ${r.order.qty} at market (order ${r.order.id})`);
  }

  private step(text: string): void {
    this.steps.push(text);
    this.host.log.warn(`kill switch: ${text}`, { reason: this.tripped?.reason });
  }
}

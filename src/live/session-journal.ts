import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderSnapshot } from '../core/order.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueEvent } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';

/** The journal's file in a session folder. */
export const JOURNAL_FILE = 'journal.jsonl';

/** One journal line: a command the session sent, an event the venue reported, or a session fact. */
export type JournalEntry =
  | { readonly t: 'submit'; readonly at: number; readonly order: OrderSnapshot }
  | { readonly t: 'cancel'; readonly at: number; readonly id: string }
  | { readonly t: 'replace'; readonly at: number; readonly id: string; readonly terms: OrderAmendment }
  | { readonly t: 'refused'; readonly at: number; readonly id: string; readonly refusal: Refusal }
  | { readonly t: 'event'; readonly at: number; readonly event: VenueEvent }
  | { readonly t: 'note'; readonly at: number; readonly what: string; readonly facts?: Record<string, unknown> };

/**
 * The write-ahead journal of a paper/live session (`journal.jsonl`): every command sent to
 * the venue, every event it reported (fills with price, quantity and fee) and session facts
 * (start, kill, end), one JSON line each, written with a synchronous append as it happens —
 * a crash or `kill -9` loses nothing written before it. Synced to disk at most every
 * `syncMillis` (a machine crash may lose that much). `at` is wall time in µs.
 */
export class SessionJournal {
  private fd: number | null;
  private lastSync = 0;

  constructor(readonly dir: string, private readonly syncMillis = 200) {
    this.fd = openSync(join(dir, JOURNAL_FILE), 'a');
  }

  write(entry: JournalEntry): void {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    const now = Date.now();
    if (now - this.lastSync >= this.syncMillis) {
      fsyncSync(this.fd);
      this.lastSync = now;
    }
  }

  note(what: string, facts?: Record<string, unknown>): void {
    this.write({ t: 'note', at: Date.now() * 1000, what, ...(facts ? { facts } : {}) });
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * An execution client whose every command and event is journaled before it takes effect:
 * commands before they reach the venue, events before the engine applies them.
 */
export class JournaledVenue implements ExecutionClient {
  constructor(private readonly inner: ExecutionClient, private readonly journal: SessionJournal) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.inner.bind({
      onVenueEvent: (event) => {
        this.journal.write({ t: 'event', at: Date.now() * 1000, event });
        sink.onVenueEvent(event);
      },
    }, account);
  }

  submit(order: OrderSnapshot): Refusal | null {
    this.journal.write({ t: 'submit', at: Date.now() * 1000, order });
    const refusal = this.inner.submit(order);
    if (refusal) this.journal.write({ t: 'refused', at: Date.now() * 1000, id: order.id, refusal });
    return refusal;
  }

  cancel(orderId: string): void {
    this.journal.write({ t: 'cancel', at: Date.now() * 1000, id: orderId });
    this.inner.cancel(orderId);
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    this.journal.write({ t: 'replace', at: Date.now() * 1000, id: orderId, terms });
    const refusal = this.inner.replace(orderId, terms);
    if (refusal) this.journal.write({ t: 'refused', at: Date.now() * 1000, id: orderId, refusal });
    return refusal;
  }

  halt(): void {
    this.journal.note('venue halted: queued orders dropped, cancels go out as one cancel-all');
    this.inner.halt?.();
  }

  reconcile(orderId: string): void {
    this.inner.reconcile?.(orderId);
  }

  onTrade(t: Parameters<NonNullable<ExecutionClient['onTrade']>>[0]): void {
    this.inner.onTrade?.(t);
  }

  onQuote(q: Parameters<NonNullable<ExecutionClient['onQuote']>>[0]): void {
    this.inner.onQuote?.(q);
  }

  onBookDelta(d: Parameters<NonNullable<ExecutionClient['onBookDelta']>>[0]): void {
    this.inner.onBookDelta?.(d);
  }

  get books() {
    return this.inner.books;
  }

  onBar(b: Parameters<NonNullable<ExecutionClient['onBar']>>[0]): void {
    this.inner.onBar?.(b);
  }

  afterBar(b: Parameters<NonNullable<ExecutionClient['afterBar']>>[0]): void {
    this.inner.afterBar?.(b);
  }
}

/** An order as the journal tells it (terms as last confirmed, fills summed). */
export interface JournaledOrder {
  readonly id: string;
  readonly side: string;
  readonly type: string;
  price: number;
  qty: number;
  filledQty: number;
  status: string;
}

/** A fill as the journal tells it. */
export interface JournaledFill {
  readonly orderId: string;
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
  readonly at: number;
}

/**
 * Orders and fills of a session folder from its journal — complete up to a crash, when
 * orders.parquet and fills.parquet were never written. A torn last line (the crash hit
 * mid-write) is ignored; any other bad line is an error naming it.
 */
export function readJournal(dir: string): { orders: JournaledOrder[]; fills: JournaledFill[]; notes: string[]; lateFees: number } | null {
  const file = join(dir, JOURNAL_FILE);
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n');
  const orders = new Map<string, JournaledOrder>();
  const fills: JournaledFill[] = [];
  const notes: string[] = [];
  const late = { fees: 0 };
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      if (k >= lines.length - 2) return; // the last line, torn by a crash
      throw new Error(`${file}:${k + 1}: not a journal line`);
    }
    apply(e, orders, fills, notes, late);
  });
  // lateFees: commissions the venue reported after their fills (fee events), which the fills' own fees do not hold.
  return { orders: [...orders.values()], fills, notes, lateFees: late.fees };
}

const END: Record<string, string> = { rejected: 'rejected', cancelled: 'cancelled', expired: 'expired' };

function apply(e: JournalEntry, orders: Map<string, JournaledOrder>, fills: JournaledFill[], notes: string[], late: { fees: number }): void {
  if (e.t === 'submit') {
    const o = e.order;
    orders.set(o.id, { id: o.id, side: o.side, type: o.type, price: o.price, qty: o.qty, filledQty: 0, status: 'submitted' });
  } else if (e.t === 'refused') {
    const o = orders.get(e.id);
    if (o && o.status === 'submitted') o.status = 'rejected';
  } else if (e.t === 'note') {
    notes.push(e.what);
  } else if (e.t === 'event') {
    const ev = e.event;
    const o = orders.get(ev.orderId);
    if (ev.kind === 'fill') {
      fills.push({ orderId: ev.orderId, price: ev.price, qty: ev.qty, fee: ev.fee, at: e.at });
      if (o) {
        o.filledQty += ev.qty;
        o.status = o.filledQty >= o.qty - 1e-12 ? 'filled' : 'partially-filled';
      }
    } else if (ev.kind === 'fee') late.fees += ev.fee;
    else if (o && ev.kind === 'accepted' && o.status === 'submitted') o.status = 'accepted';
    else if (o && ev.kind === 'updated') { o.qty = ev.qty; o.price = ev.price; }
    else if (o && END[ev.kind]) o.status = END[ev.kind];
  }
}

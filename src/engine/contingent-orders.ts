import type { Instrument } from '../core/instrument.ts';
import type { OrderEvent } from '../core/order-event.ts';
import { isTerminal } from '../core/order-lifecycle.ts';
import {
  OrderStatus, OrderType, RejectReason, Side, type ModifyResult, type Order, type OrderRequest, type SubmitResult, type TimeInForce,
} from '../core/order.ts';
import type { Refusal } from './execution-client.ts';
import type { Logger } from './logger.ts';
import type { OrderListener } from './order-flow.ts';

/** An entry with a protective stop and/or a profit target, placed once the entry fills. */
export interface BracketRequest {
  /** Instrument id or instrument (optional with one instrument). */
  instrument?: string | Instrument;
  side: Side;
  qty: number;
  /** The entry order: market by default, or limit / stop / stop-limit with its prices. */
  entry?: { type?: OrderType; price?: number; stopPrice?: number; tif?: TimeInForce };
  /** Protective stop: trigger price, plus a limit price to make it a stop-limit. */
  stopLoss?: { stopPrice: number; price?: number };
  /** Profit target: limit price. */
  takeProfit?: { price: number };
  /** Tag of the bracket; legs are tagged `<tag>:entry`, `<tag>:stop-loss`, `<tag>:take-profit`. */
  tag?: string;
}

/** A bracket's orders; the exits appear once the entry has filled. */
export interface Bracket {
  readonly id: string;
  readonly entry: Readonly<Order>;
  readonly stopLoss: Readonly<Order> | null;
  readonly takeProfit: Readonly<Order> | null;
}

export type BracketResult = { readonly ok: true; readonly bracket: Bracket } | { readonly ok: false; readonly reason: RejectReason; readonly message: string };
export type OcoResult = { readonly ok: true; readonly legs: readonly [Readonly<Order>, Readonly<Order>] } | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

/** The engine commands contingent orders use (the same the strategy has). */
export interface ContingencyHost {
  submit(req: OrderRequest): SubmitResult;
  cancel(orderId: string): ModifyResult;
  replace(orderId: string, changes: { qty: number }): ModifyResult;
  /** Checks a request's grid and type rules without sending it. */
  validate(req: OrderRequest): Refusal | null;
  /** Sends a triggered emulated order that waited for its siblings' cancels. */
  release(orderId: string): void;
  /** The venue reserves funds for resting orders (spot): only one exit may rest there at a time. */
  readonly reservesBalance: boolean;
  readonly log: Logger;
}

interface Group {
  readonly id: string;
  /** The bracket's entry (null for a plain OCO pair). */
  readonly entry: Order | null;
  /** Quantity the exits must cover before any of them filled: the entry's filled quantity, or the OCO quantity. */
  readonly total: () => number;
  /** Requests of the exits (brackets place them when the entry first fills). */
  readonly exitRequests: readonly OrderRequest[];
  readonly exits: Order[];
  readonly view: { id: string; entry: Order | null; stopLoss: Order | null; takeProfit: Order | null };
  /** A triggered exit held back until the other exits are cancelled (spot venues). */
  waiting: string | null;
}

const EPS = 1e-9;

/**
 * Bracket and OCO orders on top of the order lifecycle: exits are placed only when the
 * entry fills; the exits together never cover more than what is still to be closed — a
 * fill of one reduces the other (replace down) and a complete exit cancels the other
 * (one-cancels-the-other, with reduce semantics); an exit that fills while the entry still
 * works cancels the entry's rest. Works the same on every venue, because it only uses
 * commands and the events every venue sends. On a venue that reserves funds for resting
 * orders (spot), stop exits are held by the engine's emulator, and a triggered one goes out
 * only once the resting exit is cancelled — two resting exits would sell the same coins.
 */
export class ContingentOrders implements OrderListener {
  private readonly byOrder = new Map<string, Group>();
  private seq = 0;

  constructor(private readonly host: ContingencyHost) {}

  bracket(r: BracketRequest): BracketResult {
    const id = r.tag ?? `bracket-${++this.seq}`;
    const exitSide = r.side === Side.buy ? Side.sell : Side.buy;
    const e = r.entry ?? {};
    const entryReq: OrderRequest = { instrument: r.instrument, side: r.side, qty: r.qty, type: e.type ?? OrderType.market, price: e.price, stopPrice: e.stopPrice, tif: e.tif, tag: `${id}:entry` };
    const exits: OrderRequest[] = [];
    if (r.stopLoss) {
      const limit = r.stopLoss.price;
      exits.push({
        instrument: r.instrument, side: exitSide, qty: r.qty, type: limit === undefined ? OrderType.stop : OrderType.stopLimit,
        stopPrice: r.stopLoss.stopPrice, price: limit, tag: `${id}:stop-loss`, emulate: this.host.reservesBalance && r.takeProfit !== undefined,
      });
    }
    if (r.takeProfit) exits.push({ instrument: r.instrument, side: exitSide, qty: r.qty, type: OrderType.limit, price: r.takeProfit.price, tag: `${id}:take-profit` });
    if (exits.length === 0) return { ok: false, reason: RejectReason.missingPrice, message: 'a bracket needs a stopLoss, a takeProfit or both' };
    const bad = this.check(exits);
    if (bad) return { ok: false, ...bad };
    const sent = this.host.submit(entryReq);
    if (!sent.ok) return sent;
    const entry = sent.order as Order;
    const g: Group = { id, entry, total: () => entry.filledQty, exitRequests: exits, exits: [], view: { id, entry, stopLoss: null, takeProfit: null }, waiting: null };
    this.byOrder.set(entry.id, g);
    return { ok: true, bracket: g.view as Bracket };
  }

  /** Validates exit requests; on a reserving venue at most one of them may rest there (the others must be stops, held locally). */
  private check(exits: readonly OrderRequest[]): Refusal | null {
    for (const x of exits) {
      const bad = this.host.validate(x);
      if (bad) return { reason: bad.reason, message: `${x.tag ?? 'leg'}: ${bad.message}` };
    }
    const resting = exits.filter((x) => x.type !== OrderType.stop && x.type !== OrderType.stopLimit).length;
    if (this.host.reservesBalance && resting > 1) {
      return { reason: RejectReason.unsupportedOrderType, message: 'this venue reserves the funds of every resting order: at most one exit may be a limit order (the others stops, which the engine holds)' };
    }
    return null;
  }

  /**
   * Whether a triggered emulated exit may go to the venue now. On a reserving venue it
   * first waits until the other resting exits are cancelled (asking for those cancels).
   */
  mayRelease(orderId: string): boolean {
    const g = this.byOrder.get(orderId);
    if (g === undefined || !this.host.reservesBalance) return true;
    const others = this.restingSiblings(g, orderId);
    if (others.length === 0) return true;
    g.waiting = orderId;
    for (const x of others) if (x.status !== OrderStatus.pendingCancel) this.host.cancel(x.id);
    return false;
  }

  private restingSiblings(g: Group, orderId: string): Order[] {
    return g.exits.filter((x) => x.id !== orderId && !isTerminal(x.status));
  }

  oco(a: OrderRequest, b: OrderRequest): OcoResult {
    if (Math.abs(a.qty - b.qty) > EPS) return { ok: false, reason: RejectReason.invalidQuantity, message: `OCO legs need the same quantity, got ${a.qty} and ${b.qty}` };
    const stop = (x: OrderRequest): boolean => x.type === OrderType.stop || x.type === OrderType.stopLimit;
    const bad = this.check([a, b]);
    if (bad) return { ok: false, ...bad };
    // On a reserving venue a stop leg next to a resting leg is held by the engine.
    const hold = (x: OrderRequest, other: OrderRequest): OrderRequest => (this.host.reservesBalance && stop(x) && !stop(other) ? { ...x, emulate: true } : x);
    const first = this.host.submit(hold(a, b));
    if (!first.ok) return first;
    const second = this.host.submit(hold(b, a));
    if (!second.ok) {
      this.host.cancel(first.order.id);
      return second;
    }
    const legs = [first.order as Order, second.order as Order];
    const id = `oco-${++this.seq}`;
    const g: Group = { id, entry: null, total: () => a.qty, exitRequests: [], exits: legs, view: { id, entry: null, stopLoss: null, takeProfit: null }, waiting: null };
    for (const o of legs) this.byOrder.set(o.id, g);
    return { ok: true, legs: [legs[0], legs[1]] };
  }

  order(e: OrderEvent): void {
    const g = this.byOrder.get(e.order.id);
    if (g === undefined) return;
    if (g.entry !== null && g.exits.length === 0 && g.entry.filledQty > 0) this.placeExits(g);
    else this.sync(g);
    this.releaseWaiting(g);
    if (this.done(g)) for (const o of [g.entry, ...g.exits]) if (o) this.byOrder.delete(o.id);
  }

  /** Sends the held-back exit once no other exit rests at the venue. */
  private releaseWaiting(g: Group): void {
    const id = g.waiting;
    if (id === null) return;
    const waiting = g.exits.find((x) => x.id === id);
    if (waiting === undefined || isTerminal(waiting.status)) {
      g.waiting = null;
    } else if (this.restingSiblings(g, id).length === 0) {
      g.waiting = null;
      this.host.release(id);
    }
  }

  private placeExits(g: Group): void {
    for (const req of g.exitRequests) {
      const r = this.host.submit({ ...req, qty: g.entry!.filledQty });
      if (!r.ok) {
        this.host.log.warn(`${req.tag}: exit order refused; the position is not protected by it`, { reason: r.reason, message: r.message });
        continue;
      }
      const o = r.order as Order;
      g.exits.push(o);
      this.byOrder.set(o.id, g);
      if (req.type === OrderType.limit) g.view.takeProfit = o;
      else g.view.stopLoss = o;
    }
  }

  /** Brings the exits in line with what is left to close; cancels the entry's rest once exiting began. */
  private sync(g: Group): void {
    let exited = 0;
    for (const x of g.exits) exited += x.filledQty;
    const cover = g.total() - exited;
    for (const x of g.exits) {
      if (isTerminal(x.status) || x.status === OrderStatus.pendingCancel || x.status === OrderStatus.pendingUpdate) continue;
      if (cover <= EPS) this.host.cancel(x.id);
      else if (Math.abs(x.qty - x.filledQty - cover) > EPS && x.status !== OrderStatus.submitted) this.host.replace(x.id, { qty: x.filledQty + cover });
    }
    const entry = g.entry;
    if (entry !== null && exited > EPS && !isTerminal(entry.status) && entry.status !== OrderStatus.pendingCancel) this.host.cancel(entry.id);
  }

  private done(g: Group): boolean {
    const entryOver = g.entry === null || isTerminal(g.entry.status);
    if (!entryOver) return false;
    if (g.entry !== null && g.entry.filledQty === 0) return true;
    return g.exits.every((x) => isTerminal(x.status)) && (g.entry === null || g.exits.length > 0 || g.exitRequests.length === 0);
  }
}

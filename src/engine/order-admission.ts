import type { Instrument } from '../core/instrument.ts';
import { OrderType, RejectReason, sideSign, type Order, type OrderChanges, type OrderRequest } from '../core/order.ts';
import type { OrderAmendment, Refusal } from './execution-client.ts';
import { roundOntoGrid } from './off-grid.ts';
import type { OpenOrders } from './open-orders.ts';
import { validateOrderRequest } from './order-validation.ts';
import type { Portfolio } from './portfolio.ts';
import type { RiskEngine } from './risk-engine.ts';

/** A pre-trade check run on every order before it leaves (risk limits plug in here). */
export type PreTradeCheck = (order: Readonly<Order>, instrumentIndex: number, portfolio: Portfolio) => Refusal | null;

/** What admission reads: the run's instruments, account, policies and the orders open now. */
export interface AdmissionOptions {
  readonly instruments: readonly Instrument[];
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine | undefined;
  readonly checks: readonly PreTradeCheck[];
  /** Prices and quantities off the grid: moved onto it (never more aggressive) or refused. */
  readonly offGrid: 'round' | 'refuse';
  readonly open: OpenOrders;
}

/**
 * What an order request, or the new terms of a replace, must pass before anything is
 * sent: onto the instrument's grid (or refused, by the off-grid policy), valid for the
 * instrument, a reduce-only order no larger than the position it shrinks; then, for a new
 * order, the risk engine and the pre-trade checks. Counts what the grid policy did.
 */
export class OrderAdmission {
  /** Requests off the instrument's grid: rounded onto it or refused. */
  readonly offGrid = { rounded: 0, refused: 0 };

  constructor(private readonly o: AdmissionOptions) {}

  /** The request as it may leave (moved onto the grid), or why it may not. */
  request(req: OrderRequest, slot: number): OrderRequest | Refusal {
    const inst = this.o.instruments[slot];
    const onGrid = this.ontoGrid(req, inst);
    if ('reason' in onGrid) return onGrid;
    return validateOrderRequest(onGrid, inst) ?? this.reduceOnlyRefusal(onGrid, slot) ?? onGrid;
  }

  /** The risk engine, then each pre-trade check: the first refusal, or null. */
  preTrade(order: Order, slot: number): Refusal | null {
    const o = this.o;
    const r = o.risk?.check(order, slot, { portfolio: o.portfolio, openOrders: o.open.values(), now: order.createdTs }) ?? null;
    if (r) return r;
    for (const check of o.checks) {
      const c = check(order, slot, o.portfolio);
      if (c) return c;
    }
    return null;
  }

  /** The whole new terms of a replace of `order` (in `slot`), validated like a new order. */
  amendment(order: Readonly<Order>, slot: number, changes: OrderChanges): OrderAmendment | Refusal {
    const inst = this.o.instruments[slot];
    const hasPrice = order.type === OrderType.limit || order.type === OrderType.stopLimit;
    const hasStop = order.type === OrderType.stop || order.type === OrderType.stopLimit;
    const asked: OrderRequest = {
      instrument: inst, side: order.side, type: order.type, qty: changes.qty ?? order.qty,
      ...(hasPrice ? { price: changes.price ?? order.price } : {}), ...(hasStop ? { stopPrice: changes.stopPrice ?? order.stopPrice } : {}),
    };
    const req = this.ontoGrid(asked, inst);
    if ('reason' in req) return req;
    const bad = validateOrderRequest(req, inst);
    if (bad) return bad;
    if (req.qty <= order.filledQty) return { reason: RejectReason.invalidQuantity, message: `new quantity ${req.qty} is not above the filled ${order.filledQty}` };
    return { qty: req.qty, price: req.price ?? Number.NaN, stopPrice: req.stopPrice ?? Number.NaN };
  }

  /** A reduce-only order must shrink the position and may not be larger than it. */
  private reduceOnlyRefusal(req: OrderRequest, slot: number): Refusal | null {
    if (!req.reduceOnly) return null;
    const pos = this.o.portfolio.position(slot);
    if (pos === 0 || Math.sign(pos) === sideSign(req.side)) return { reason: RejectReason.reduceOnlyWouldIncrease, message: `reduce-only ${req.side} with position ${pos}` };
    if (req.qty > Math.abs(pos) + 1e-12) return { reason: RejectReason.reduceOnlyWouldIncrease, message: `reduce-only ${req.side} of ${req.qty} is more than the position ${pos}: send at most ${Math.abs(pos)}` };
    return null;
  }

  /** The off-grid policy: the request moved onto the instrument's grid (round), or as it is (refuse: validation refuses it). */
  private ontoGrid(req: OrderRequest, inst: Instrument): OrderRequest | Refusal {
    const moved = roundOntoGrid(req, inst);
    if (moved === req) return req;
    if (this.o.offGrid === 'refuse' || 'reason' in moved) {
      this.offGrid.refused++;
      return 'reason' in moved ? moved : req;
    }
    this.offGrid.rounded++;
    return moved;
  }
}

import { Liquidity } from '../core/fill.ts';
import { OrderType, type OrderSnapshot } from '../core/order.ts';
import type { VenueEvent } from '../engine/execution-client.ts';
import type { CcxtOrder } from './ccxt-order.ts';
import type { FeeAssets } from './fee-assets.ts';
import type { TradeFees } from './trade-fees.ts';

/** One exchange order behind an engine order (a replace makes a new one). */
export interface Leg {
  readonly clientId: string;
  exchangeId: string | null;
  /** Cumulative quantity, cost and fee (quote currency) already reported. */
  filled: number;
  cost: number;
  fee: number;
  /** Cumulative fee the exchange reported in an asset other than the quote (quantity of that asset; 0 when it charges the quote). */
  assetFee: number;
  /** Its trades seen (when fees come from trades, see TradeFees): quantity and commission (quote currency). */
  tradeQty: number;
  tradeFee: number;
  /** Wall time (ms) it was adopted from the exchange at start-up (0: this client sent it); its trades before count as seen. */
  adoptedAt: number;
  /** Ended at the exchange. */
  final: boolean;
  /** ccxt status it ended with (closed, canceled, expired, rejected). */
  endStatus: string;
  /** Wall time (ms) this client stopped counting it as open (0 while it does). */
  endedAt: number;
}

/** An engine order the client follows, with the exchange orders (legs) it has been so far. */
export interface Tracked {
  readonly id: string;
  snap: OrderSnapshot;
  readonly legs: Leg[];
  acked: boolean;
  triggered: boolean;
  /** A cancel was asked before the exchange id was known: sent as soon as it is. */
  cancelWanted: boolean;
  /** A replace is replacing the current leg: its end is not the order's end. */
  replacing: boolean;
  done: boolean;
  /** Submitted after the kill switch tripped (its flatten orders): sent, not dropped. */
  readonly afterHalt?: boolean;
}

/** A leg not yet at the exchange: nothing reported. */
export function newLeg(clientId: string): Leg {
  return { clientId, exchangeId: null, filled: 0, cost: 0, fee: 0, assetFee: 0, tradeQty: 0, tradeFee: 0, adoptedAt: 0, final: false, endStatus: '', endedAt: 0 };
}

/** The leg the order is now (the last one sent). */
export function currentLeg(t: Tracked): Leg {
  return t.legs[t.legs.length - 1];
}

/**
 * The orders a live client follows — found by engine id, exchange id or client order id —
 * and what the exchange's reports on them mean, as venue events. A report is cumulative
 * (the fills, cost and fee so far, the status now), so whichever source brings it (the
 * private stream, a poll, a cancel's reply) and however often, each fill is reported once:
 * only the part past what a leg already reported is new. Synchronous and network-free.
 */
export class FollowedOrders {
  private readonly byId = new Map<string, Tracked>();
  private readonly byExchangeId = new Map<string, [Tracked, Leg]>();
  private readonly byClientId = new Map<string, [Tracked, Leg]>();
  /**
   * @param assets what the commissions were charged in (one in the base asset is worth its quantity at the fill's price; see FeeAssets)
   * @param tradeFees where fills take their commissions when the exchange lists trades (else from the order reports' cumulative fee)
   */
  constructor(private readonly emit: (e: VenueEvent) => void, readonly assets: FeeAssets, private readonly tradeFees: TradeFees | null = null) {}

  /** Follows `t` by its id and its current leg's client id (and exchange id, when known). */
  follow(t: Tracked): void {
    this.byId.set(t.id, t);
    const leg = currentLeg(t);
    this.byClientId.set(leg.clientId, [t, leg]);
    if (leg.exchangeId !== null) {
      this.byExchangeId.set(leg.exchangeId, [t, leg]);
      this.tradeFees?.follow(t, leg, leg.exchangeId); // an adopted order
    }
  }

  /** The exchange acknowledged `leg` as `exchangeId`. */
  atExchange(t: Tracked, leg: Leg, exchangeId: string): void {
    leg.exchangeId = exchangeId;
    this.tradeFees?.follow(t, leg, exchangeId);
    this.byExchangeId.set(exchangeId, [t, leg]);
    this.byClientId.set(leg.clientId, [t, leg]);
  }

  /** Reports under this client id match nothing until the exchange acknowledges it again. */
  forgetClientId(clientId: string): void {
    this.byClientId.delete(clientId);
  }

  /** The order with this engine id while it is followed (an order that ended is not). */
  get(id: string): Tracked | undefined {
    return this.byId.get(id);
  }

  /** The followed order and leg a report is about (by exchange id, else client id), if acknowledged. */
  find(r: CcxtOrder): [Tracked, Leg] | undefined {
    const hit = this.byExchangeId.get(r.id) ?? (r.clientOrderId !== undefined ? this.byClientId.get(r.clientOrderId) : undefined);
    return hit !== undefined && hit[1].exchangeId !== null ? hit : undefined;
  }

  /** Orders not known to have ended (`finish` stops following an order). */
  open(): Tracked[] {
    return [...this.byId.values()];
  }

  /** Client ids of the legs not known to have ended, sent or not: what the exchange may rest for this client. */
  openClientIds(): Set<string> {
    const out = new Set<string>();
    for (const t of this.byId.values()) for (const leg of t.legs) if (!leg.final) out.add(leg.clientId);
    return out;
  }

  /** Legs at the exchange that have not ended: what a status round looks at. */
  legsAtExchange(): Array<[Tracked, Leg]> {
    const out: Array<[Tracked, Leg]> = [];
    for (const t of this.byId.values()) for (const leg of t.legs) if (!leg.final && leg.exchangeId !== null) out.push([t, leg]);
    return out;
  }

  /** Reports what changed on a leg since the last look: trigger, new fills, then its end. */
  apply(t: Tracked, leg: Leg, r: CcxtOrder): void {
    if (leg.final) return;
    const filled = r.filled ?? 0;
    const stopType = t.snap.type === OrderType.stop || t.snap.type === OrderType.stopLimit;
    if (stopType && !t.triggered && !t.done && (filled > 0 || r.info?.isWorking === true || r.info?.w === true)) {
      t.triggered = true;
      this.emit({ kind: 'triggered', orderId: t.id });
    }
    if (filled > leg.filled + 1e-12) this.reportFill(t, leg, r, filled);
    const s = r.status;
    if (s !== 'closed' && s !== 'canceled' && s !== 'expired' && s !== 'rejected') return;
    leg.final = true;
    leg.endStatus = s;
    leg.endedAt = Date.now();
    this.byExchangeId.delete(leg.exchangeId!);
    if (!t.replacing && !t.done) this.finishFromLeg(t);
  }

  private reportFill(t: Tracked, leg: Leg, r: CcxtOrder, filled: number): void {
    const qty = filled - leg.filled;
    const cost = r.cost ?? filled * (r.average ?? r.price ?? Number.NaN);
    const price = leg.filled > 0 && cost > leg.cost ? (cost - leg.cost) / qty : r.average ?? r.price ?? cost / filled;
    leg.cost = cost;
    const fee = this.tradeFees !== null ? this.tradeFees.takeForFill(leg, filled) : this.feeFromReport(t.id, leg, r, price);
    leg.filled = filled;
    const maker = typeof r.info?.m === 'boolean' ? r.info.m : r.type !== 'market';
    this.emit({ kind: 'fill', orderId: t.id, price, qty, fee, liquidity: maker ? Liquidity.maker : Liquidity.taker });
  }

  /**
   * The fee (quote currency) a report adds to what its leg reported: its cumulative fee minus
   * the last one; a fee in another asset (Binance may charge the base asset, or BNB) is valued
   * by FeeAssets, its new part (the base asset's at this fill's price).
   */
  private feeFromReport(orderId: string, leg: Leg, r: CcxtOrder, price: number): number {
    const f = r.fee;
    if (f?.cost === undefined) return 0;
    const cum = f.cost;
    const asset = f.currency;
    if (this.assets.inCash(asset)) {
      const fee = cum - leg.fee;
      leg.fee = cum;
      return fee;
    }
    const fee = this.assets.charge(cum - leg.assetFee, asset, price, orderId);
    leg.assetFee = cum;
    leg.fee += fee;
    return fee;
  }

  /** The order ends as its current leg did (a fill completes it by itself). */
  finishFromLeg(t: Tracked): void {
    const filled = t.legs.reduce((n, l) => n + l.filled, 0);
    if (filled >= t.snap.qty - 1e-12) {
      this.finish(t, null);
      return;
    }
    const status = currentLeg(t).endStatus;
    if (status === 'closed' || status === '') return; // not filled as far as we know: a later look reports the rest
    const reason = status === 'canceled' ? 'cancelled' : status;
    if (status === 'expired') this.finish(t, { kind: 'expired', orderId: t.id, reason });
    else if (status === 'rejected') this.finish(t, { kind: 'rejected', orderId: t.id, reason });
    else this.finish(t, { kind: 'cancelled', orderId: t.id, reason });
  }

  /** The order ended (`event` says how; null when its last fill said it): no longer followed. */
  finish(t: Tracked, event: VenueEvent | null): void {
    t.done = true;
    t.replacing = false;
    this.byId.delete(t.id);
    for (const l of t.legs) {
      if (l.endedAt === 0) l.endedAt = Date.now();
      this.byClientId.delete(l.clientId);
      if (l.exchangeId !== null) this.byExchangeId.delete(l.exchangeId);
    }
    if (event) this.emit(event);
  }
}

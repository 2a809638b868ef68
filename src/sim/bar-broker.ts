import { Liquidity } from '../core/fill.ts';
import type { BarView } from '../core/events.ts';
import { isMultipleOf, type Instrument } from '../core/instrument.ts';
import { OrderType, RejectReason, sideSign, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import { utcDay } from '../core/time.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, Refusal, VenueEvent } from '../engine/execution-client.ts';
import { ALL_CAPABILITIES } from '../engine/order-routing.ts';
import { fillLegs } from '../engine/fill-cash.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import { noFee, type FeeModel } from './fee-model.ts';
import { noSlippage, type SlippageModel } from './slippage-model.ts';
import { anyValues, packedMap, truncate } from '../core/array-edit.ts';

/** When market orders fill. */
export const FillTiming = {
  /** At the open of the bar after the signal (backtrader's default). */
  nextOpen: 'next-open',
  /** At the close of the signal bar (backtrader's cheat-on-close). */
  close: 'close',
} as const;
export type FillTiming = (typeof FillTiming)[keyof typeof FillTiming];

export interface BarBrokerOptions {
  /** Instruments in slot order (as given to the engine). */
  instruments: readonly Instrument[];
  /** Market order timing; default next-open. */
  fillTiming?: FillTiming;
  /** Commission; default none. */
  fees?: FeeModel;
  /** Slippage on every fill; default none. */
  slippage?: SlippageModel;
  /** Max fraction of a bar's volume one instrument's orders may take per bar; 0 = unlimited. */
  maxVolumeShare?: number;
  /** Refuse fills the free cash cannot pay for (backtrader does); default true. */
  checkCash?: boolean;
  /**
   * Also check an order at submission (backtrader's `checksubmit`): the orders submitted at
   * one time are pseudo-executed in turn at their limit/stop price (market orders at the last
   * price) against the cash they leave each other; one whose opening leg cannot be paid is
   * refused. Default false.
   */
  checkSubmit?: boolean;
  /** When a fill's opening leg cannot be paid: execute the closing leg and refuse the rest (default, as backtrader), or refuse it all. */
  reversal?: ReversalPolicy;
  /** Cash-settled shorts: cash after a short-opening fill (proceeds included) must be at least this multiple of the short's notional; 0 (default) as backtrader. */
  shortMargin?: number;
}

/** What a fill whose opening leg cannot be paid does. */
export const ReversalPolicy = {
  /** The closing leg executes, the opening leg is refused (backtrader's broker). */
  closeThenRefuse: 'close-then-refuse',
  /** Nothing executes. */
  allOrNothing: 'all-or-nothing',
} as const;
export type ReversalPolicy = (typeof ReversalPolicy)[keyof typeof ReversalPolicy];

/** Cash and positions as the orders submitted at one time leave them (the submit-time check). */
interface PseudoAccount {
  ts: number;
  cash: number;
  qty: Float64Array;
}

interface Pending {
  /** The venue's copy of the order's terms (replaced by a new snapshot on replace). */
  order: OrderSnapshot;
  slot: number;
  /** UTC day of submission (DAY orders expire after it). */
  day: number;
  /** Bars this order has been matched against. */
  barsSeen: number;
  /** Stop or stop-limit whose stop has traded. */
  triggered: boolean;
  /** Quantity filled here. */
  filled: number;
  /** Ended (filled, cancelled, expired, rejected). */
  done: boolean;
}

/**
 * Simulated broker for bar data. Fill rules (all prices then slipped adversely and kept
 * inside the bar's low–high range, limits never beyond their limit price):
 * - an order decided at time t only works on bars strictly after t (of any feed), so a
 *   decision taken on one feed's bar never fills on another feed's bar of the same time;
 * - market: next bar's open, or the signal bar's close in `close` timing;
 * - limit buy L: open if open ≤ L (gap through, taker), else L if low ≤ L (maker); sells mirror;
 * - stop buy S: open if open ≥ S (gap through), else S if high ≥ S; sells mirror;
 * - stop-limit: triggers as a stop, then behaves as a limit from the trigger price;
 * - IOC/FOK get one bar; DAY orders expire at the first bar of a later UTC day;
 * - fills are capped at `maxVolumeShare` of the bar's volume; the rest waits for later bars.
 * Every command is answered at once (accepted, updated, cancelled or their refusals).
 */
export class BarBroker implements ExecutionClient {
  readonly capabilities = ALL_CAPABILITIES;
  private sink!: OrderEventSink;
  private account!: Portfolio;
  /** Working orders per instrument slot (a few each: found by a scan, no id map to keep up). */
  private readonly pending: Pending[][];
  private readonly slotOf = new Map<string, number>();
  private readonly instruments: readonly Instrument[];
  /**
   * Market orders fill at the signal bar's close (`close` timing): a flag read after every
   * bar, where comparing the timing's string costs the bar loop a module-binding check and a
   * string comparison.
   */
  private readonly fillsAtClose: boolean;
  private readonly fees: FeeModel;
  private readonly slippage: SlippageModel;
  /** What fills paid over their reference prices (the bar's open, close or trigger before the slippage model), in cash. */
  private slippageCost = 0;
  private readonly maxShare: number;
  private readonly checkCash: boolean;
  private readonly checkSubmit: boolean;
  private readonly reversal: ReversalPolicy;
  private readonly shortMargin: number;
  private pseudo: PseudoAccount | null = null;
  /** The fill the cash check prices legs of: set before each check, read by `legFee` (one function for every fill, no closure per fill). */
  private feeInst: Instrument | null = null;
  private feePrice = 0;
  private feeLiquidity: Liquidity = Liquidity.taker;
  private readonly legFee = (qty: number): number => this.fees.fee(this.feeInst!, qty, this.feePrice, this.feeLiquidity);

  constructor(opts: BarBrokerOptions) {
    this.instruments = opts.instruments;
    opts.instruments.forEach((inst, i) => this.slotOf.set(inst.id, i));
    this.pending = packedMap(opts.instruments, () => anyValues());
    this.fillsAtClose = (opts.fillTiming ?? FillTiming.nextOpen) === FillTiming.close;
    this.fees = opts.fees ?? noFee;
    this.slippage = opts.slippage ?? noSlippage;
    this.maxShare = opts.maxVolumeShare ?? 0;
    this.checkCash = opts.checkCash ?? true;
    this.checkSubmit = opts.checkSubmit ?? false;
    this.reversal = opts.reversal ?? ReversalPolicy.closeThenRefuse;
    this.shortMargin = opts.shortMargin ?? 0;
  }

  slippagePaid(): number {
    return this.slippageCost;
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.sink = sink;
    this.account = account;
  }

  submit(order: OrderSnapshot): Refusal | null {
    const slot = this.slotOf.get(order.instrumentId)!;
    if (order.postOnly) {
      const ref = this.account.markPrice(slot);
      const crosses = sideSign(order.side) === 1 ? order.price >= ref : order.price <= ref;
      if (crosses) {
        this.sink.onVenueEvent({ kind: 'rejected', orderId: order.id, reason: RejectReason.postOnlyWouldCross });
        return null;
      }
    }
    if (this.checkSubmit && !this.pseudoExecute(order, slot)) {
      this.sink.onVenueEvent({ kind: 'rejected', orderId: order.id, reason: RejectReason.insufficientCash });
      return null;
    }
    const p: Pending = { order, slot, day: utcDay(order.createdTs), barsSeen: 0, triggered: false, filled: 0, done: false };
    this.pending[slot].push(p);
    this.sink.onVenueEvent({ kind: 'accepted', orderId: order.id });
    return null;
  }

  cancel(orderId: string): void {
    const p = this.find(orderId);
    if (p === undefined) {
      this.sink.onVenueEvent({ kind: 'cancel-rejected', orderId, reason: RejectReason.tooLate });
      return;
    }
    this.end(p, { kind: 'cancelled', orderId, reason: 'cancelled' });
  }

  replace(orderId: string, terms: OrderAmendment): Refusal | null {
    // Bars carry no queue, so a replaced order only changes its price/quantity in place.
    const p = this.find(orderId);
    if (p === undefined) {
      this.sink.onVenueEvent({ kind: 'update-rejected', orderId, reason: RejectReason.tooLate });
    } else if (terms.qty <= p.filled) {
      this.end(p, { kind: 'cancelled', orderId, reason: 'replaced at or below the filled quantity' });
    } else {
      p.order = { ...p.order, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice };
      this.sink.onVenueEvent({ kind: 'updated', orderId, qty: terms.qty, price: terms.price, stopPrice: terms.stopPrice });
    }
    return null;
  }

  /**
   * backtrader's check at submission: executes the order on paper at its limit/stop price
   * (a market order at the last price) against the cash and positions the orders submitted
   * before it at the same time left; false when its opening leg cannot be paid.
   */
  private pseudoExecute(o: OrderSnapshot, slot: number): boolean {
    const a = this.account;
    if (this.pseudo === null || this.pseudo.ts !== o.createdTs) {
      this.pseudo = { ts: o.createdTs, cash: a.cash, qty: Float64Array.from(this.instruments, (_, i) => a.position(i)) };
    }
    const ps = this.pseudo;
    const price = Number.isFinite(o.price) ? o.price : Number.isFinite(o.stopPrice) ? o.stopPrice : a.markPrice(slot);
    if (!(price > 0)) return true;
    const inst = this.instruments[slot];
    const delta = sideSign(o.side) * o.qty;
    // On paper the position is marked at the order's own price (no P&L), as backtrader's pseudo-execution.
    const terms = { ...a.terms(slot), qty: ps.qty[slot], lastPrice: price };
    const legs = fillLegs(terms, ps.cash, delta, price, this.feeOf(inst, price, Liquidity.taker), this.shortMargin);
    ps.cash = legs.afterOpen;
    if (!legs.openAffordable) return false;
    ps.qty[slot] += delta;
    return true;
  }

  onBar(bar: BarView): void {
    const list = this.pending[bar.instrumentIndex];
    if (list.length === 0) return;
    let volumeLeft = this.maxShare > 0 ? bar.volume * this.maxShare : Infinity;
    for (let k = 0, n = list.length; k < n; k++) {
      const p = list[k];
      if (p.done || p.order.createdTs >= bar.ts) continue;
      if (p.order.tif === TimeInForce.DAY && utcDay(bar.ts) > p.day) {
        this.end(p, { kind: 'expired', orderId: p.order.id, reason: 'day order expired' });
        continue;
      }
      p.barsSeen++;
      const price = this.matchPrice(p, bar);
      if (!Number.isNaN(price)) {
        const liquidity = this.liquidity(p, bar, price);
        volumeLeft -= this.execute(p, bar, price, liquidity, volumeLeft);
      }
      this.endOfChance(p);
    }
    this.compact(bar.instrumentIndex);
  }

  afterBar(bar: BarView): void {
    if (!this.fillsAtClose) return;
    const list = this.pending[bar.instrumentIndex];
    if (list.length === 0) return;
    let volumeLeft = this.maxShare > 0 ? bar.volume * this.maxShare : Infinity;
    for (let k = 0, n = list.length; k < n; k++) {
      const p = list[k];
      if (p.done || p.barsSeen !== 0 || p.order.type !== OrderType.market) continue;
      p.barsSeen++;
      volumeLeft -= this.execute(p, bar, bar.close, Liquidity.taker, volumeLeft);
      this.endOfChance(p);
    }
    this.compact(bar.instrumentIndex);
  }

  /** Fill price against this bar, NaN when the order does not fill. */
  private matchPrice(p: Pending, bar: BarView): number {
    const o = p.order;
    const buy = sideSign(o.side) === 1;
    switch (o.type) {
      case OrderType.market:
        return bar.open;
      case OrderType.limit:
        return limitPrice(buy, o.price, bar.open, bar);
      case OrderType.stop: {
        const trigger = stopTrigger(buy, o.stopPrice, bar);
        if (!Number.isNaN(trigger)) this.trigger(p);
        return trigger;
      }
      case OrderType.stopLimit: {
        if (p.triggered) return limitPrice(buy, o.price, bar.open, bar);
        const trigger = stopTrigger(buy, o.stopPrice, bar);
        if (Number.isNaN(trigger)) return Number.NaN;
        this.trigger(p);
        return limitPrice(buy, o.price, trigger, bar);
      }
      default:
        return Number.NaN;
    }
  }

  private trigger(p: Pending): void {
    p.triggered = true;
    this.sink.onVenueEvent({ kind: 'triggered', orderId: p.order.id });
  }

  private liquidity(p: Pending, bar: BarView, price: number): Liquidity {
    const t = p.order.type;
    if (t === OrderType.market || t === OrderType.stop) return Liquidity.taker;
    // A limit that fills at the open of its first bar was marketable on arrival.
    return p.barsSeen === 1 && price === bar.open ? Liquidity.taker : Liquidity.maker;
  }

  /** Fills what it can; returns the quantity filled. */
  private execute(p: Pending, bar: BarView, refPrice: number, liquidity: Liquidity, volumeLeft: number): number {
    const o = p.order;
    const inst = this.instruments[p.slot];
    const side = sideSign(o.side);
    let qty = o.qty - p.filled;
    if (o.reduceOnly) {
      const pos = this.account.position(p.slot);
      if (pos === 0 || Math.sign(pos) === side) {
        this.end(p, { kind: 'cancelled', orderId: o.id, reason: RejectReason.reduceOnlyWouldIncrease });
        return 0;
      }
      qty = Math.min(qty, Math.abs(pos));
    }
    if (volumeLeft < qty) {
      if (o.tif === TimeInForce.FOK) return 0;
      qty = Math.floor(volumeLeft / inst.lotSize + 1e-9) * inst.lotSize;
      if (qty <= 0 || !isMultipleOf(qty, inst.lotSize)) return 0;
    }
    let price = this.slippage.apply(inst, side, refPrice, qty, bar.volume);
    price = Math.min(Math.max(price, bar.low), bar.high);
    if (o.type === OrderType.limit || (o.type === OrderType.stopLimit && p.triggered)) {
      price = side === 1 ? Math.min(price, o.price) : Math.max(price, o.price);
    }
    if (this.checkCash) {
      const legs = this.account.fillLegs(p.slot, side * qty, price, this.feeOf(inst, price, liquidity), this.shortMargin);
      if (!legs.openAffordable) return this.refuseOpening(p, legs.closed, price, liquidity, refPrice);
    }
    this.fill(p, price, qty, liquidity, refPrice);
    return qty;
  }

  /** The opening leg cannot be paid: per the reversal policy the closing leg still executes; the rest is refused. */
  private refuseOpening(p: Pending, closed: number, price: number, liquidity: Liquidity, refPrice: number): number {
    const executed = this.reversal === ReversalPolicy.closeThenRefuse && closed > 0 ? closed : 0;
    if (executed > 0) this.fill(p, price, executed, liquidity, refPrice);
    this.end(p, { kind: 'rejected', orderId: p.order.id, reason: RejectReason.insufficientCash });
    return executed;
  }

  /** Executes `qty` at `price`; `refPrice` is the price before the slippage model (its cost is counted). */
  private fill(p: Pending, price: number, qty: number, liquidity: Liquidity, refPrice: number): void {
    const o = p.order;
    const inst = this.instruments[p.slot];
    const fee = this.fees.fee(inst, qty, price, liquidity);
    this.slippageCost += sideSign(o.side) * (price - refPrice) * qty * inst.multiplier;
    p.filled += qty;
    if (p.filled >= o.qty * (1 - 1e-9)) this.finish(p);
    this.sink.onVenueEvent({ kind: 'fill', orderId: o.id, price, qty, fee, liquidity });
  }

  /** The fee of a leg of a fill of `inst` at `price` (valid until the next call). */
  private feeOf(inst: Instrument, price: number, liquidity: Liquidity): (qty: number) => number {
    this.feeInst = inst;
    this.feePrice = price;
    this.feeLiquidity = liquidity;
    return this.legFee;
  }

  /** IOC and FOK orders get one bar; whatever is left expires. */
  private endOfChance(p: Pending): void {
    const o = p.order;
    if ((o.tif === TimeInForce.IOC || o.tif === TimeInForce.FOK) && !p.done) {
      this.end(p, { kind: 'expired', orderId: o.id, reason: o.tif === TimeInForce.FOK ? 'fill-or-kill not filled' : 'immediate-or-cancel remainder' });
    }
  }

  /** Ends an order here and reports how. */
  private end(p: Pending, event: VenueEvent): void {
    this.finish(p);
    this.sink.onVenueEvent(event);
  }

  private finish(p: Pending): void {
    p.done = true;
  }

  /** The working order with this id. */
  private find(orderId: string): Pending | undefined {
    for (const list of this.pending) for (const p of list) if (!p.done && p.order.id === orderId) return p;
    return undefined;
  }

  private compact(slot: number): void {
    const list = this.pending[slot];
    let w = 0;
    for (let r = 0; r < list.length; r++) if (!list[r].done) list[w++] = list[r];
    truncate(list, w);
  }
}

/** Limit fill price when the market is first seen at `from`, then trades through the bar's range. */
function limitPrice(buy: boolean, limit: number, from: number, bar: BarView): number {
  if (buy) return from <= limit ? from : bar.low <= limit ? limit : Number.NaN;
  return from >= limit ? from : bar.high >= limit ? limit : Number.NaN;
}

/** Where a stop triggers in this bar (the open when it gaps through), NaN when it does not. */
function stopTrigger(buy: boolean, stop: number, bar: BarView): number {
  if (buy) return bar.open >= stop ? bar.open : bar.high >= stop ? stop : Number.NaN;
  return bar.open <= stop ? bar.open : bar.low <= stop ? stop : Number.NaN;
}

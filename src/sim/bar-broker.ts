import { Liquidity } from '../core/fill.ts';
import type { BarView } from '../core/events.ts';
import { isMultipleOf, type Instrument } from '../core/instrument.ts';
import {
  isOpen, OrderStatus, OrderType, RejectReason, sideSign, TimeInForce, type Order, type OrderChanges,
} from '../core/order.ts';
import { utcDay } from '../core/time.ts';
import type { ExecutionClient, OrderEventSink, Refusal } from '../engine/execution-client.ts';
import type { Portfolio } from '../engine/portfolio.ts';
import { noFee, type FeeModel } from './fee-model.ts';
import { noSlippage, type SlippageModel } from './slippage-model.ts';

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
}

interface Pending {
  order: Order;
  slot: number;
  /** UTC day of submission (DAY orders expire after it). */
  day: number;
  /** Bars this order has been matched against. */
  barsSeen: number;
  /** Stop-limit whose stop has traded. */
  triggered: boolean;
}

/**
 * Simulated broker for bar data. Fill rules (all prices then slipped adversely and kept
 * inside the bar's low–high range, limits never beyond their limit price):
 * - market: next bar's open, or the signal bar's close in `close` timing;
 * - limit buy L: open if open ≤ L (gap through, taker), else L if low ≤ L (maker); sells mirror;
 * - stop buy S: open if open ≥ S (gap through), else S if high ≥ S; sells mirror;
 * - stop-limit: triggers as a stop, then behaves as a limit from the trigger price;
 * - IOC/FOK get one bar; DAY orders expire at the first bar of a later UTC day;
 * - fills are capped at `maxVolumeShare` of the bar's volume; the rest waits for later bars.
 */
export class BarBroker implements ExecutionClient {
  private sink!: OrderEventSink;
  private account!: Portfolio;
  private readonly pending: Pending[][];
  private readonly slotOf = new Map<string, number>();
  private readonly instruments: readonly Instrument[];
  private readonly timing: FillTiming;
  private readonly fees: FeeModel;
  private readonly slippage: SlippageModel;
  private readonly maxShare: number;
  private readonly checkCash: boolean;
  private readonly lastTs: Float64Array;

  constructor(opts: BarBrokerOptions) {
    this.instruments = opts.instruments;
    opts.instruments.forEach((inst, i) => this.slotOf.set(inst.id, i));
    this.pending = opts.instruments.map(() => []);
    this.timing = opts.fillTiming ?? FillTiming.nextOpen;
    this.fees = opts.fees ?? noFee;
    this.slippage = opts.slippage ?? noSlippage;
    this.maxShare = opts.maxVolumeShare ?? 0;
    this.checkCash = opts.checkCash ?? true;
    this.lastTs = new Float64Array(opts.instruments.length);
  }

  bind(sink: OrderEventSink, account: Portfolio): void {
    this.sink = sink;
    this.account = account;
  }

  submit(order: Order): Refusal | null {
    const slot = this.slotOf.get(order.instrumentId)!;
    if (order.postOnly) {
      const ref = this.account.markPrice(slot);
      const crosses = sideSign(order.side) === 1 ? order.price >= ref : order.price <= ref;
      if (crosses) {
        return { reason: RejectReason.postOnlyWouldCross, message: `post-only ${order.side} at ${order.price} would cross the last price ${ref}` };
      }
    }
    this.pending[slot].push({ order, slot, day: utcDay(order.createdTs), barsSeen: 0, triggered: false });
    return null;
  }

  cancel(order: Order): Refusal | null {
    this.drop(order);
    return null;
  }

  replace(_order: Order, _changes: OrderChanges): Refusal | null {
    // Bars carry no queue, so a replaced order only changes its price/quantity in place.
    return null;
  }

  onBar(bar: BarView): void {
    const list = this.pending[bar.instrumentIndex];
    this.lastTs[bar.instrumentIndex] = bar.ts;
    if (list.length === 0) return;
    let volumeLeft = this.maxShare > 0 ? bar.volume * this.maxShare : Infinity;
    const day = utcDay(bar.ts);
    for (const p of [...list]) {
      const o = p.order;
      if (!isOpen(o.status)) continue;
      if (o.tif === TimeInForce.DAY && day > p.day) {
        this.sink.statusChanged(o, OrderStatus.expired, 'day order expired');
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
    if (this.timing !== FillTiming.close) return;
    const list = this.pending[bar.instrumentIndex];
    if (list.length === 0) return;
    let volumeLeft = this.maxShare > 0 ? bar.volume * this.maxShare : Infinity;
    for (const p of [...list]) {
      if (p.barsSeen !== 0 || p.order.type !== OrderType.market || !isOpen(p.order.status)) continue;
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
      case OrderType.stop:
        if (buy) return bar.open >= o.stopPrice ? bar.open : bar.high >= o.stopPrice ? o.stopPrice : Number.NaN;
        return bar.open <= o.stopPrice ? bar.open : bar.low <= o.stopPrice ? o.stopPrice : Number.NaN;
      case OrderType.stopLimit: {
        if (p.triggered) return limitPrice(buy, o.price, bar.open, bar);
        const S = o.stopPrice;
        const trigger = buy ? (bar.open >= S ? bar.open : bar.high >= S ? S : Number.NaN)
          : (bar.open <= S ? bar.open : bar.low <= S ? S : Number.NaN);
        if (Number.isNaN(trigger)) return Number.NaN;
        p.triggered = true;
        const px = limitPrice(buy, o.price, trigger, bar);
        if (Number.isNaN(px)) this.sink.statusChanged(o, OrderStatus.triggered);
        return px;
      }
      default:
        return Number.NaN;
    }
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
    let qty = o.qty - o.filledQty;
    if (o.reduceOnly) {
      const pos = this.account.position(p.slot);
      if (pos === 0 || Math.sign(pos) === side) {
        this.sink.statusChanged(o, OrderStatus.cancelled, RejectReason.reduceOnlyWouldIncrease);
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
    const fee = this.fees.fee(inst, qty, price, liquidity);
    if (this.checkCash && this.account.cashRequired(p.slot, side * qty, price, fee) > this.account.cash) {
      this.sink.statusChanged(o, OrderStatus.rejected, RejectReason.insufficientCash);
      return 0;
    }
    this.sink.fillReceived(o, price, qty, fee, liquidity);
    return qty;
  }

  /** IOC and FOK orders get one bar; whatever is left is cancelled. */
  private endOfChance(p: Pending): void {
    const o = p.order;
    if ((o.tif === TimeInForce.IOC || o.tif === TimeInForce.FOK) && isOpen(o.status)) {
      this.sink.statusChanged(o, OrderStatus.cancelled, o.tif === TimeInForce.FOK ? 'fill-or-kill not filled' : 'immediate-or-cancel remainder');
    }
  }

  private drop(order: Order): void {
    const slot = this.slotOf.get(order.instrumentId)!;
    const list = this.pending[slot];
    const i = list.findIndex((p) => p.order === order);
    if (i >= 0) list.splice(i, 1);
  }

  private compact(slot: number): void {
    const list = this.pending[slot];
    let w = 0;
    for (let r = 0; r < list.length; r++) if (isOpen(list[r].order.status)) list[w++] = list[r];
    list.length = w;
  }
}

/** Limit fill price when the market is first seen at `from`, then trades through the bar's range. */
function limitPrice(buy: boolean, limit: number, from: number, bar: BarView): number {
  if (buy) return from <= limit ? from : bar.low <= limit ? limit : Number.NaN;
  return from >= limit ? from : bar.high >= limit ? limit : Number.NaN;
}

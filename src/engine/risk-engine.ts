import { RejectReason, sideSign, type Order } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import { MICROS_PER_DAY, MICROS_PER_SECOND } from '../core/time.ts';
import type { Refusal } from './execution-client.ts';
import type { Portfolio } from './portfolio.ts';

/** Pre-trade and account limits; every field is optional (absent = no limit). */
export interface RiskLimits {
  /** Absolute position per instrument, counting open orders that would add to it. */
  readonly maxPosition?: number;
  /** Absolute notional (position × mark × multiplier) per instrument, open orders included. */
  readonly maxNotional?: number;
  /** Largest single order quantity. */
  readonly maxOrderQty?: number;
  /** Limit prices further than this from the mark (bps) are refused (fat-finger band). */
  readonly priceBandBps?: number;
  /** Open orders at once, all instruments. */
  readonly maxOpenOrders?: number;
  /** Orders submitted in any rolling second. */
  readonly maxOrdersPerSecond?: number;
  /** Loss since the previous UTC day's last equity (a positive amount) that trips the kill switch. */
  readonly maxDailyLoss?: number;
  /** Drawdown from the equity peak (fraction, 0.1 = 10%) that trips the kill switch. */
  readonly maxDrawdown?: number;
}

/** What the pre-trade checks see besides the order. */
export interface RiskView {
  readonly portfolio: Portfolio;
  readonly openOrders: readonly Order[];
  readonly now: Micros;
}

const refuse = (message: string): Refusal => ({ reason: RejectReason.riskLimit, message });

/**
 * The risk engine shared by backtests, paper and live trading: checks every order before
 * it leaves (position, notional, size, price band, open orders, order rate) and watches
 * the equity curve for the daily-loss and drawdown limits, which trip the kill switch.
 */
export class RiskEngine {
  private readonly sent: number[] = [];
  private peak = -Infinity;
  private day = Number.NaN;
  private dayStart = Number.NaN;
  private last = Number.NaN;

  constructor(readonly limits: RiskLimits) {}

  /** A refusal naming the limit, or null when the order may go. */
  check(order: Readonly<Order>, i: number, v: RiskView): Refusal | null {
    const L = this.limits;
    const sign = sideSign(order.side);
    if (L.maxOrderQty !== undefined && order.qty > L.maxOrderQty) return refuse(`order quantity ${order.qty} exceeds the limit ${L.maxOrderQty}`);
    const mark = v.portfolio.markPrice(i);
    if (L.priceBandBps !== undefined && Number.isFinite(order.price) && mark > 0) {
      const bps = (Math.abs(order.price - mark) / mark) * 1e4;
      if (bps > L.priceBandBps) return refuse(`limit price ${order.price} is ${bps.toFixed(1)} bps from the mark ${mark} (band ${L.priceBandBps} bps)`);
    }
    if (L.maxOpenOrders !== undefined && v.openOrders.length >= L.maxOpenOrders) return refuse(`${v.openOrders.length} orders already open (limit ${L.maxOpenOrders})`);
    if (L.maxPosition !== undefined || L.maxNotional !== undefined) {
      // Worst case: the position if this order and every open order on the same side filled.
      let pending = 0;
      for (const o of v.openOrders) if (o.instrumentId === order.instrumentId && sideSign(o.side) === sign) pending += o.qty - o.filledQty;
      const worst = Math.abs(v.portfolio.position(i) + sign * (pending + order.qty));
      if (L.maxPosition !== undefined && worst > L.maxPosition + 1e-12) return refuse(`position could reach ${worst} (limit ${L.maxPosition})`);
      const px = Number.isFinite(order.price) ? order.price : mark;
      const notional = worst * px * v.portfolio.multiplierOf(i);
      if (L.maxNotional !== undefined && Number.isFinite(notional) && notional > L.maxNotional) return refuse(`notional could reach ${notional.toFixed(2)} (limit ${L.maxNotional})`);
    }
    if (L.maxOrdersPerSecond !== undefined) {
      const from = v.now - MICROS_PER_SECOND;
      while (this.sent.length > 0 && this.sent[0] <= from) this.sent.shift();
      if (this.sent.length >= L.maxOrdersPerSecond) return refuse(`order rate limit: ${L.maxOrdersPerSecond} per second`);
      this.sent.push(v.now);
    }
    return null;
  }

  /** Watches equity; returns the reason when a loss limit is breached (the kill switch trips). */
  onEquity(ts: Micros, equity: number): string | null {
    const L = this.limits;
    if (equity > this.peak) this.peak = equity;
    const day = Math.floor(ts / MICROS_PER_DAY);
    if (day !== this.day) {
      // The day's reference is where the previous day ended (the first point for the first day).
      this.day = day;
      this.dayStart = Number.isNaN(this.last) ? equity : this.last;
    }
    this.last = equity;
    if (L.maxDailyLoss !== undefined && this.dayStart - equity > L.maxDailyLoss) {
      return `daily loss ${(this.dayStart - equity).toFixed(2)} exceeds ${L.maxDailyLoss}`;
    }
    if (L.maxDrawdown !== undefined && this.peak > 0 && 1 - equity / this.peak > L.maxDrawdown) {
      return `drawdown ${((1 - equity / this.peak) * 100).toFixed(2)}% exceeds ${(L.maxDrawdown * 100).toFixed(2)}%`;
    }
    return null;
  }
}

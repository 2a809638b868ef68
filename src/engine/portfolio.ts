import { assert } from '../core/assert.ts';
import type { BarView } from '../core/events.ts';
import { Settlement, type Instrument } from '../core/instrument.ts';
import type { Micros } from '../core/time.ts';
import { fillLegs, type FillLegs, type FillLegsOut, type PositionTerms, type PositionTermsOut } from './fill-cash.ts';
import { TradeLog } from './trade-log.ts';
import { packedMap } from '../core/array-edit.ts';
import { equityShare, markFlow, notionalOf } from './slot-value.ts';
import { widenRange } from './range-widen.ts';

/** Read-only view of one position. */
export interface PositionView {
  /** Instrument id. */
  readonly instrumentId: string;
  /** Signed quantity: > 0 long, < 0 short. */
  readonly qty: number;
  /** Average entry price of the open quantity (NaN when flat). */
  readonly avgPrice: number;
  /** Last mark price. */
  readonly lastPrice: number;
  /** Realized gross P&L so far. */
  readonly realizedPnl: number;
  /** Unrealized P&L at the last mark. */
  readonly unrealizedPnl: number;
  /** Margin held for the position (futures style), 0 for cash settlement. */
  readonly margin: number;
}

/**
 * Cash, positions and P&L for every instrument of a run. Cash-settled instruments pay
 * the full notional; margin-settled ones hold `margin × |qty|` out of cash and mark
 * their P&L into cash on every price update (as backtrader's futures commission info).
 */
export class Portfolio {
  /** Free cash (for margin instruments, after margin held and marked P&L). A number from the start, as SimClock.current: written on every fill. */
  cash = 0;
  readonly initialCash: number = 0;
  /** Fees paid in total. */
  fees = 0;
  readonly trades: TradeLog;
  private readonly instruments: Instrument[];
  private readonly qty: Float64Array;
  private readonly avgPrice: Float64Array;
  private readonly lastPrice: Float64Array;
  private readonly realized: Float64Array;
  private readonly isMargin: Uint8Array;
  private readonly multiplier: Float64Array;
  private readonly margin: Float64Array;
  /** Highest and lowest price seen while the current position was open (MAE/MFE of its round trip). */
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  /**
   * True when marks widen the open trips' ranges: only kept round trips report excursions (a trial keeps net P&Ls alone).
   * Read per mark as `=== true`: V8 compiles `if (flag)` of a boolean field as a test for every kind of truthy value (~10 instructions).
   */
  private readonly tracksExcursions: boolean;
  /**
   * Counts the changes of cash or positions other than a bar's mark (fills, fees, adopted
   * positions): an equity curve derived after the run (CurveDerivation) notes the state where it moved.
   */
  changes = 0;
  /** Equity at the last `revalue()` (cash + position values). */
  equityValue = 0;
  /** Gross exposure at the last `revalue()`; 0 when flat. */
  grossValue = 0;
  /** One cash-settled instrument: equity is cash plus the position's signed notional (see signedNotional). */
  readonly oneCashSettled: boolean;
  /** Some instrument is margined: only then can a mark move cash (a flag read per mark instead of two slot arrays, ~2 % of a 1M-bar run; read as `=== true`, see tracksExcursions). */
  private readonly anyMargined: boolean;
  /** The cash check's position terms and legs, rewritten by every `fillLegs` (it runs on every fill: no objects per fill). */
  private readonly legTerms: PositionTermsOut = { qty: 0, lastPrice: 0, multiplier: 1, margined: false, margin: 0 };
  private readonly legs: FillLegsOut = { closed: 0, opened: 0, afterClose: 0, afterOpen: 0, openAffordable: true };

  /** @param keepTrips keep every closed round trip (false: only net P&Ls, see TradeLog) */
  constructor(instruments: readonly Instrument[], cash: number, keepTrips = true) {
    this.trades = new TradeLog(packedMap(instruments, (i) => i.id), keepTrips);
    this.tracksExcursions = keepTrips;
    assert(Number.isFinite(cash) && cash >= 0, `initial cash must be a finite number >= 0, got ${cash}`);
    this.cash = cash;
    this.initialCash = cash;
    this.instruments = [...instruments];
    const n = instruments.length;
    this.qty = new Float64Array(n);
    this.avgPrice = new Float64Array(n).fill(Number.NaN);
    this.lastPrice = new Float64Array(n).fill(Number.NaN);
    this.realized = new Float64Array(n);
    this.isMargin = Uint8Array.from(instruments, (i) => (i.settlement === Settlement.margin ? 1 : 0));
    this.multiplier = Float64Array.from(instruments, (i) => i.multiplier);
    this.margin = Float64Array.from(instruments, (i) => i.margin);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.equityValue = cash;
    this.oneCashSettled = n === 1 && this.isMargin[0] === 0;
    this.anyMargined = this.isMargin.includes(1);
  }

  /** Instrument slots (one per instrument of the run). */
  get slots(): number {
    return this.qty.length;
  }

  /** Signed position of instrument slot `i`. */
  position(i: number): number {
    return this.qty[i];
  }

  /** Sets a position and cash read from a venue at start-up (reconciliation), before any fill. */
  adopt(i: number, qty: number, avgPrice: number, cash: number): void {
    this.changes++;
    this.qty[i] = qty;
    this.avgPrice[i] = qty === 0 ? Number.NaN : avgPrice;
    if (Number.isNaN(this.lastPrice[i]) && qty !== 0) this.lastPrice[i] = avgPrice;
    this.cash = cash;
  }

  /** Contract multiplier of slot `i`. */
  multiplierOf(i: number): number {
    return this.multiplier[i];
  }

  /** Last mark price of slot `i` (NaN before the first price). */
  markPrice(i: number): number {
    return this.lastPrice[i];
  }

  /** A bar's marks: its range counts towards the open trip's excursions (when trips are kept; read only then), its close is the mark. */
  markBar(i: number, bar: BarView): void {
    if (this.tracksExcursions === true && this.qty[i] !== 0) this.widen(i, bar.high, bar.low);
    this.setMark(i, bar.close);
  }

  /** Updates the mark price (it counts towards the open trip's excursions when trips are kept); margin instruments move their P&L into cash. */
  mark(i: number, price: number): void {
    if (this.tracksExcursions === true && this.qty[i] !== 0) this.widen(i, price, price);
    this.setMark(i, price);
  }

  /** Widens the open trip's seen price range (see widenRange: no branch on the prices). */
  private widen(i: number, high: number, low: number): void {
    widenRange(this.high, this.low, i, high, low);
  }

  private setMark(i: number, price: number): void {
    if (this.anyMargined === true && this.isMargin[i] === 1 && this.qty[i] !== 0) this.cash += markFlow(this.qty[i], price, this.lastPrice[i], this.instruments[i].multiplier);
    this.lastPrice[i] = price;
  }

  /**
   * The closing and opening legs of a fill of `delta` at `price` on slot `i` and the cash
   * after each (see fill-cash.ts); `feeOf(qty)` prices a leg's fee. The legs are one object
   * of this portfolio's, rewritten by the next call: read them at once.
   */
  fillLegs(i: number, delta: number, price: number, feeOf: (qty: number) => number, shortMargin = 0): FillLegs {
    return fillLegs(this.termsInto(i, this.legTerms), this.cash, delta, price, feeOf, shortMargin, this.legs);
  }

  /** Slot `i`'s position and instrument terms, as the margin model reads them. */
  terms(i: number): PositionTerms {
    return this.termsInto(i, { qty: 0, lastPrice: 0, multiplier: 1, margined: false, margin: 0 });
  }

  private termsInto(i: number, t: PositionTermsOut): PositionTermsOut {
    t.qty = this.qty[i];
    t.lastPrice = this.lastPrice[i];
    t.multiplier = this.multiplier[i];
    t.margined = this.isMargin[i] === 1;
    t.margin = this.margin[i];
    return t;
  }

  /** Pays a fee reported apart from its fill (a live exchange's late trade report). */
  chargeFee(fee: number): void {
    this.changes++;
    this.cash -= fee;
    this.fees += fee;
  }

  /** Applies a fill of signed quantity `delta` at `price` paying `fee` (`tag`: the order's); returns realized gross P&L. */
  applyFill(i: number, delta: number, price: number, fee: number, ts: Micros, point: number, tag = ''): number {
    this.changes++;
    const inst = this.instruments[i];
    const m = inst.multiplier;
    const q0 = this.qty[i];
    const q1 = q0 + delta;
    let realized = 0;
    if (q0 !== 0 && Math.sign(delta) !== Math.sign(q0)) {
      const closed = Math.min(Math.abs(delta), Math.abs(q0));
      realized = closed * (price - this.avgPrice[i]) * Math.sign(q0) * m;
    }
    if (this.isMargin[i] === 1) {
      // Mark the old position to the fill price, then move margin for the size change.
      if (q0 !== 0) this.cash += markFlow(q0, price, this.lastPrice[i], m);
      this.lastPrice[i] = price;
      this.cash -= (Math.abs(q1) - Math.abs(q0)) * inst.margin;
    } else {
      this.cash -= delta * price * m;
      this.lastPrice[i] = price; // a fill is the latest traded price
    }
    this.cash -= fee;
    this.fees += fee;
    this.realized[i] += realized;
    if (q1 === 0) this.avgPrice[i] = Number.NaN;
    else if (q0 === 0 || Math.sign(q1) !== Math.sign(q0)) this.avgPrice[i] = price;
    else if (Math.abs(q1) > Math.abs(q0)) this.avgPrice[i] = (this.avgPrice[i] * Math.abs(q0) + price * Math.abs(delta)) / Math.abs(q1);
    this.qty[i] = Math.abs(q1) < 1e-12 * Math.max(1, Math.abs(q0)) ? 0 : q1;
    const opened = q0 === 0 || (this.qty[i] !== 0 && Math.sign(this.qty[i]) !== Math.sign(q0));
    this.widen(i, price, price);
    this.trades.onFill(i, q0, this.qty[i], price, m, fee, realized, ts, point, tag, this.high[i], this.low[i]);
    if (opened) { this.high[i] = price; this.low[i] = price; } // a new trip starts at its fill
    return realized;
  }

  /**
   * Sets `equityValue` and `grossValue` in one pass over the slots (the per-event path:
   * no allocation, one loop instead of separate equity and exposure scans).
   */
  revalue(): void {
    let v = this.cash;
    let g = 0;
    const { qty, lastPrice, multiplier, isMargin } = this;
    if (qty.length === 1) {
      // One instrument (most runs), the same sums without the loop, whose checks cost a bar ~30 instructions.
      const q = qty[0];
      if (q !== 0) {
        const notional = notionalOf(q, lastPrice[0], multiplier[0]);
        g = Math.abs(notional);
        v += equityShare(q, notional, isMargin[0] === 1, this.margin[0]);
      }
    } else {
      for (let i = 0; i < qty.length; i++) {
        const q = qty[i];
        if (q === 0) continue;
        const notional = notionalOf(q, lastPrice[i], multiplier[i]);
        g += Math.abs(notional);
        v += equityShare(q, notional, isMargin[i] === 1, this.margin[i]);
      }
    }
    this.equityValue = v;
    this.grossValue = g;
  }

  /**
   * The first slot's signed notional at its mark, 0 when flat: with one cash-settled instrument,
   * `revalue`'s equity is cash plus this (the same addition) and its gross exposure this without
   * its sign.
   */
  signedNotional(): number {
    const q = this.qty[0];
    return q === 0 ? 0 : notionalOf(q, this.lastPrice[0], this.multiplier[0]);
  }

  /** Value of slot `i`'s position counted in equity: notional for cash settlement, margin held for futures style. */
  positionValue(i: number): number {
    const q = this.qty[i];
    if (q === 0) return 0;
    return equityShare(q, notionalOf(q, this.lastPrice[i], this.multiplier[i]), this.isMargin[i] === 1, this.margin[i]);
  }

  /** Cash plus the value of every position at its last mark. */
  equity(): number {
    let v = this.cash;
    for (let i = 0; i < this.qty.length; i++) if (this.qty[i] !== 0) v += this.positionValue(i);
    return v;
  }

  /** Sum of |notional| of open positions at their marks. */
  grossExposure(): number {
    let g = 0;
    for (let i = 0; i < this.qty.length; i++) {
      if (this.qty[i] !== 0) g += Math.abs(notionalOf(this.qty[i], this.lastPrice[i], this.multiplier[i]));
    }
    return g;
  }

  /** True when any position is open. */
  hasPosition(): boolean {
    for (let i = 0; i < this.qty.length; i++) if (this.qty[i] !== 0) return true;
    return false;
  }

  /** Snapshot of slot `i`. */
  view(i: number): PositionView {
    const inst = this.instruments[i];
    const q = this.qty[i];
    const unrealized = q === 0 ? 0 : q * (this.lastPrice[i] - this.avgPrice[i]) * inst.multiplier;
    return {
      instrumentId: inst.id, qty: q, avgPrice: this.avgPrice[i], lastPrice: this.lastPrice[i],
      realizedPnl: this.realized[i], unrealizedPnl: unrealized,
      margin: this.isMargin[i] === 1 ? Math.abs(q) * inst.margin : 0,
    };
  }

  /** Snapshots of every slot. */
  views(): PositionView[] {
    return this.instruments.map((_, i) => this.view(i));
  }
}

import type { Micros } from '../core/time.ts';
import { RoundTripLog } from './round-trip-log.ts';

/** A closed (or still open) round trip: from flat to flat, or until the position flips. */
export interface RoundTrip {
  /** Instrument id. */
  readonly instrumentId: string;
  /** Direction of the position. */
  readonly side: 'long' | 'short';
  /** Largest absolute position held during the trip. */
  readonly qty: number;
  /** Time of the first entry fill. */
  readonly entryTs: Micros;
  /** Time of the fill that closed the trip (NaN while open). */
  readonly exitTs: Micros;
  /** Average entry price. */
  readonly entryPrice: number;
  /** Average exit price (NaN while open). */
  readonly exitPrice: number;
  /** Gross P&L: price move times quantity times multiplier. */
  readonly pnl: number;
  /** Fees paid by every fill of the trip. */
  readonly fees: number;
  /** pnl − fees. */
  readonly netPnl: number;
  /** netPnl over the entry notional. */
  readonly returnPct: number;
  /** Number of equity points (bars) the trip spanned. */
  readonly bars: number;
  /** Tag of the order that opened the trip, and of the one that closed it ('' when untagged): why it ended (a stop-loss leg, say). */
  readonly entryTag: string;
  readonly exitTag: string;
  /**
   * Maximum adverse and favorable excursion: how far the price went against and for the
   * trip while it was open (bar lows/highs, trade prices, fills), as fractions of the
   * average entry price; NaN while open.
   */
  readonly mae: number;
  readonly mfe: number;
}

interface OpenTrip {
  /** False once the trip closed (the record is reused by the next trip). */
  active: boolean;
  side: 1 | -1;
  entryTs: Micros;
  entryQty: number;
  entryNotional: number;
  exitQty: number;
  exitNotional: number;
  maxQty: number;
  pnl: number;
  fees: number;
  startPoint: number;
  entryTag: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds round trips from fills, per instrument. */
export class TradeLog {
  /** The closed round trips, as columns (none when the log keeps only their net P&Ls). */
  readonly closed = new RoundTripLog();
  private readonly open = new Map<string, OpenTrip>();
  /** Net P&L of each closed trip, when no records are kept. */
  private readonly netOnly: number[] = [];
  /** The closing trip's record, in one object reused for every trip (the log copies its fields). */
  private readonly closing: Mutable<RoundTrip> = {
    instrumentId: '', side: 'long', qty: 0, entryTs: 0, exitTs: 0, entryPrice: 0, exitPrice: 0, pnl: 0, fees: 0, netPnl: 0,
    returnPct: 0, bars: 0, entryTag: '', exitTag: '', mae: 0, mfe: 0,
  };

  /** @param keep keep every closed round trip (false: only its net P&L, for the metrics of an optimizer trial) */
  constructor(private readonly keep = true) {}

  /** Net P&L of every closed round trip, in closing order. */
  netPnls(): number[] {
    return this.keep ? this.closed.netPnls() : this.netOnly;
  }

  /**
   * Records a fill that moved the position from `before` to `after` (signed). `realized`
   * is the gross P&L the fill realized; `point` is the current equity-point index.
   */
  onFill(
    instrumentId: string, before: number, after: number, price: number, multiplier: number,
    fee: number, realized: number, ts: Micros, point: number, tag = '', high = price, low = price,
  ): void {
    let trip = this.open.get(instrumentId);
    const qty = Math.abs(after - before);
    if (trip === undefined || !trip.active) {
      trip = this.start(instrumentId, after > 0 ? 1 : -1, ts, point, tag);
    }
    const closing = before !== 0 && Math.sign(after - before) !== Math.sign(before);
    if (!closing) {
      trip.entryQty += qty;
      trip.entryNotional += qty * price * multiplier;
      trip.fees += fee;
      trip.maxQty = Math.max(trip.maxQty, Math.abs(after));
      return;
    }
    const closedQty = Math.min(qty, Math.abs(before));
    const feeClose = fee * (closedQty / qty);
    trip.exitQty += closedQty;
    trip.exitNotional += closedQty * price * multiplier;
    trip.pnl += realized;
    trip.fees += feeClose;
    if (after === 0 || Math.sign(after) !== Math.sign(before)) {
      if (this.keep) this.closed.push(this.finish(instrumentId, trip, ts, multiplier, point, tag, high, low));
      else this.netOnly.push(trip.pnl - trip.fees); // finish's netPnl
      trip.active = false;
      if (after !== 0) {
        const next = this.start(instrumentId, after > 0 ? 1 : -1, ts, point, tag);
        next.entryQty = Math.abs(after);
        next.entryNotional = Math.abs(after) * price * multiplier;
        next.fees = fee - feeClose;
        next.maxQty = Math.abs(after);
      }
    }
  }

  /** Round trips still open at `ts`, valued at their entry (not closed, so no exit fields). */
  openTrips(multiplierOf: (id: string) => number): RoundTrip[] {
    const out: RoundTrip[] = [];
    for (const [id, t] of this.open) {
      if (!t.active) continue;
      const m = multiplierOf(id);
      out.push({
        instrumentId: id, side: t.side === 1 ? 'long' : 'short', qty: t.maxQty, entryTs: t.entryTs,
        exitTs: Number.NaN, entryPrice: t.entryNotional / (t.entryQty * m), exitPrice: Number.NaN,
        pnl: t.pnl, fees: t.fees, netPnl: t.pnl - t.fees, returnPct: Number.NaN, bars: 0, entryTag: t.entryTag, exitTag: '', mae: Number.NaN, mfe: Number.NaN,
      });
    }
    return out;
  }

  private start(id: string, side: 1 | -1, ts: Micros, point: number, tag: string): OpenTrip {
    // One record per instrument, reset in place: no Map churn per round trip.
    let t = this.open.get(id);
    if (t === undefined) {
      t = { active: true, side, entryTs: ts, entryQty: 0, entryNotional: 0, exitQty: 0, exitNotional: 0, maxQty: 0, pnl: 0, fees: 0, startPoint: point, entryTag: tag };
      this.open.set(id, t);
      return t;
    }
    t.active = true; t.side = side; t.entryTs = ts; t.entryQty = 0; t.entryNotional = 0; t.exitQty = 0; t.exitNotional = 0;
    t.maxQty = 0; t.pnl = 0; t.fees = 0; t.startPoint = point; t.entryTag = tag;
    return t;
  }

  private finish(id: string, t: OpenTrip, ts: Micros, m: number, point: number, exitTag: string, high: number, low: number): RoundTrip {
    const entryPrice = t.entryNotional / (t.entryQty * m);
    const netPnl = t.pnl - t.fees;
    const up = Math.max(0, (high - entryPrice) / entryPrice);
    const down = Math.max(0, (entryPrice - low) / entryPrice);
    const r = this.closing;
    r.instrumentId = id; r.side = t.side === 1 ? 'long' : 'short'; r.qty = t.maxQty; r.entryTs = t.entryTs; r.exitTs = ts;
    r.entryPrice = entryPrice; r.exitPrice = t.exitNotional / (t.exitQty * m); r.pnl = t.pnl; r.fees = t.fees; r.netPnl = netPnl;
    r.returnPct = netPnl / (entryPrice * t.maxQty * m); r.bars = point - t.startPoint; r.entryTag = t.entryTag; r.exitTag = exitTag;
    r.mae = t.side === 1 ? down : up; r.mfe = t.side === 1 ? up : down;
    return r;
  }
}

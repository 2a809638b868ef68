import type { Micros } from './time.ts';

/**
 * Market events reach strategies as reused *views* (flyweights): the engine overwrites
 * the same object for every event of a kind, so a handler must copy any field it wants
 * to keep and must never retain the view itself.
 */

/** An OHLCV bar. `ts` is the bar's timestamp as given by the data (usually its open). */
export interface BarView {
  /** Instrument id. */
  instrumentId: string;
  /** Slot of the instrument in the run (0-based), for array-indexed strategy state. */
  instrumentIndex: number;
  /** Exchange timestamp. */
  ts: Micros;
  /** Local receive timestamp (equal to `ts` for bar files). */
  tsLocal: Micros;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A public trade print. */
export interface TradeView {
  instrumentId: string;
  instrumentIndex: number;
  ts: Micros;
  tsLocal: Micros;
  price: number;
  qty: number;
  /** Aggressor side: 1 buy, -1 sell, 0 unknown. */
  aggressor: 1 | -1 | 0;
}

/** Top of book. */
export interface QuoteView {
  instrumentId: string;
  instrumentIndex: number;
  ts: Micros;
  tsLocal: Micros;
  bidPrice: number;
  bidSize: number;
  askPrice: number;
  askSize: number;
}

/** One L2 level change; `qty` 0 removes the level. */
export interface BookDeltaView {
  instrumentId: string;
  instrumentIndex: number;
  ts: Micros;
  tsLocal: Micros;
  /** 1 bid, -1 ask. */
  side: 1 | -1;
  price: number;
  qty: number;
  /** Part of a snapshot. */
  isSnapshot: boolean;
  /** Clear the whole book before applying this delta. */
  clear: boolean;
  /** Last delta of an atomic update: the book is consistent after it. */
  last: boolean;
}

/** Creates an empty bar view for an engine to overwrite. */
export function emptyBarView(): BarView {
  return { instrumentId: '', instrumentIndex: 0, ts: 0, tsLocal: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
}

/** Copies a bar into `to` (a view kept past the callback), numbered `slot`; returns `to`. */
export function copyBarView(from: BarView, to: BarView, slot = from.instrumentIndex): BarView {
  to.instrumentId = from.instrumentId;
  to.instrumentIndex = slot;
  to.ts = from.ts;
  to.tsLocal = from.tsLocal;
  to.open = from.open;
  to.high = from.high;
  to.low = from.low;
  to.close = from.close;
  to.volume = from.volume;
  return to;
}

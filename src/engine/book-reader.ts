import type { BookDeltaView, QuoteView } from '../core/events.ts';

/** Read-only view of an instrument's L2 book as the strategy sees it (local time). */
export interface BookReader {
  bestBid(): number;
  bestAsk(): number;
  /** NaN unless both sides have a level. */
  mid(): number;
  spread(): number;
  microprice(): number;
  /** Mean of the average buy and sell prices for `qty` against the book. */
  volumeAdjustedMid(qty: number): number;
  depthAt(side: 1 | -1, price: number): number;
  /** Top `n` levels of a side, best first, as [price, size]. */
  top(side: 1 | -1, n: number): [number, number][];
  /** 'ok' | 'crossed' | 'locked' | 'one-sided' | 'empty'. */
  state(): string;
}

/** Keeps one book per instrument slot up to date from book deltas (the book layer implements it). */
export interface BookKeeper {
  /** Applies a delta; throws when the book is inconsistent and the policy says so. */
  apply(delta: BookDeltaView): void;
  /** Top-of-book data: the quote is the book while the instrument has had no deltas (the first delta replaces it). */
  applyQuote(quote: QuoteView): void;
  /** The book of instrument slot `i`. */
  book(i: number): BookReader;
}

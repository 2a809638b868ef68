import type { BookDeltaView, QuoteView } from '../core/events.ts';
import { LockstepError } from '../core/errors.ts';
import { isoFromMicros } from '../core/time.ts';
import type { BookKeeper } from '../engine/book-reader.ts';
import { L2Book } from './l2-book.ts';

/** What to do when a book is crossed or locked after a complete update. */
export const CrossedBookPolicy = {
  /** Stop with an error naming the source row (default). */
  error: 'error',
  /** Keep going; the book stays as the data says (counted). */
  ignore: 'ignore',
  /** Treat the book as invalid until the next snapshot rebuilds it (counted). */
  resnapshot: 'resnapshot',
} as const;
export type CrossedBookPolicy = (typeof CrossedBookPolicy)[keyof typeof CrossedBookPolicy];

/** A crossed or locked book under the `error` policy; sources turn it into a DataError with file and row. */
export class CrossedBookError extends LockstepError {
  constructor(message: string) {
    super('data', message);
    this.name = 'CrossedBookError';
  }
}

/** L2 books per instrument slot, updated from deltas, with a crossed-book policy. */
export class L2BookKeeper implements BookKeeper {
  private readonly books: L2Book[];
  private readonly waiting: boolean[];
  /** Per slot: deltas have arrived, so quotes no longer stand in for the book. */
  private readonly hasDepth: boolean[];
  /** Crossed or locked states seen (ignore / resnapshot policies). */
  crossed = 0;
  /** Deltas dropped while waiting for a snapshot (resnapshot policy). */
  dropped = 0;

  constructor(slots: number, private readonly policy: CrossedBookPolicy = CrossedBookPolicy.error) {
    this.books = Array.from({ length: slots }, () => new L2Book());
    this.waiting = new Array<boolean>(slots).fill(false);
    this.hasDepth = new Array<boolean>(slots).fill(false);
  }

  book(i: number): L2Book {
    return this.books[i];
  }

  applyQuote(q: QuoteView): void {
    const i = q.instrumentIndex;
    if (this.hasDepth[i]) return; // a quote would wipe the depth below the top
    const b = this.books[i];
    b.bids.setOnly(q.bidPrice, q.bidSize);
    b.asks.setOnly(q.askPrice, q.askSize);
  }

  apply(d: BookDeltaView): void {
    const i = d.instrumentIndex;
    const b = this.books[i];
    if (!this.hasDepth[i]) {
      this.hasDepth[i] = true;
      b.clear(); // a top of book that quotes stood in for
    }
    if (this.waiting[i]) {
      if (!d.isSnapshot) {
        this.dropped++;
        return;
      }
      this.waiting[i] = false;
      b.clear();
    }
    if (d.clear) b.clear();
    b.apply(d.side, d.price, d.qty);
    if (!d.last) return;
    const bid = b.bestBid();
    const ask = b.bestAsk();
    if (!(bid >= ask)) return;
    const what = bid > ask ? 'crossed' : 'locked';
    if (this.policy === CrossedBookPolicy.error) {
      throw new CrossedBookError(`book of ${d.instrumentId} is ${what} at ${isoFromMicros(d.ts)} (bid ${bid} ≥ ask ${ask}); pass --on-crossed-book ignore or resnapshot to continue`);
    }
    this.crossed++;
    if (this.policy === CrossedBookPolicy.resnapshot) {
      this.waiting[i] = true;
      b.clear();
    }
  }
}

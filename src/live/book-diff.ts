import type { BookDeltaView } from '../core/events.ts';

/**
 * Turns successive full order-book snapshots (what ccxt's watchOrderBook returns) into
 * the L2 deltas the engine replays: the first snapshot clears and rebuilds the book,
 * later ones emit only the levels that changed (size 0 for levels that vanished).
 */
export class BookDiff {
  private bids = new Map<number, number>();
  private asks = new Map<number, number>();
  private started = false;

  /** Deltas taking the previous snapshot to this one; the last carries `last`. */
  diff(bids: readonly (readonly number[])[], asks: readonly (readonly number[])[], ts: number, tsLocal: number, instrumentId: string, instrumentIndex: number): BookDeltaView[] {
    const out: BookDeltaView[] = [];
    const mk = (side: 1 | -1, price: number, qty: number, clear: boolean): BookDeltaView =>
      ({ instrumentId, instrumentIndex, ts, tsLocal, side, price, qty, isSnapshot: !this.started, clear, last: false });
    const nb = new Map(bids.map((l) => [l[0], l[1]] as [number, number]));
    const na = new Map(asks.map((l) => [l[0], l[1]] as [number, number]));
    if (!this.started) {
      let first = true;
      for (const [p, q] of nb) { out.push(mk(1, p, q, first)); first = false; }
      for (const [p, q] of na) { out.push(mk(-1, p, q, first)); first = false; }
    } else {
      for (const [side, prev, next] of [[1, this.bids, nb], [-1, this.asks, na]] as const) {
        for (const [p, q] of next) if (prev.get(p) !== q) out.push(mk(side, p, q, false));
        for (const p of prev.keys()) if (!next.has(p)) out.push(mk(side, p, 0, false));
      }
    }
    this.started = true;
    this.bids = nb;
    this.asks = na;
    if (out.length > 0) out[out.length - 1].last = true;
    return out;
  }

  /** Forget the book (after a reconnect the next snapshot rebuilds it). */
  reset(): void {
    this.started = false;
    this.bids.clear();
    this.asks.clear();
  }
}

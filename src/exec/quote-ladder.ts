import { isOpen, type Order } from '../core/order.ts';
import type { Context } from '../engine/strategy.ts';
import { removeAt, truncate } from '../core/array-edit.ts';

/**
 * A market maker's resting quotes on one instrument, kept in line with the wanted prices:
 * quotes still at a wanted price stay (keeping their queue place), the others are
 * cancelled and the missing prices quoted with post-only limit orders. Every open order —
 * including those whose cancel is still travelling — counts against `maxPosition`, and a
 * side never rests more quotes than it wants: a new quote waits until the one it replaces
 * is confirmed cancelled (`waiting` says when to sync again).
 */
export class QuoteLadder {
  // Short arrays rather than Maps and Sets: a ladder holds a few quotes per side and is
  // synced on every book event, where a scan of a few prices costs less than hashing them.
  // Each keeps insertion order, as the Maps and Sets did.
  private readonly bids = new Quotes();
  private readonly asks = new Quotes();
  private readonly wantBid: number[] = [];
  private readonly wantAsk: number[] = [];
  /** Quotes being cancelled: still resting at the venue until the cancel is confirmed, so still counted. */
  private readonly leaving: Order[] = [];
  /** Wanted prices left unquoted because cancels were still travelling: sync again when they end. */
  private held = 0;

  constructor(private readonly instrumentId?: string) {}

  /** Moves the ladder to the wanted prices; returns how many new quotes were accepted. */
  sync(ctx: Context, bidPrices: Iterable<number>, askPrices: Iterable<number>, size: number, maxPosition: number): number {
    const wantBid = this.wantBid;
    const wantAsk = this.wantAsk;
    truncate(wantBid, 0);
    truncate(wantAsk, 0);
    for (const p of bidPrices) if (!wantBid.includes(p)) wantBid.push(p);
    for (const p of askPrices) if (!wantAsk.includes(p)) wantAsk.push(p);
    this.prune(ctx, this.bids, wantBid);
    this.prune(ctx, this.asks, wantAsk);
    // At most as many quotes per side as wanted may rest, those still being cancelled included.
    let bidRoom = wantBid.length - this.bids.size;
    let askRoom = wantAsk.length - this.asks.size;
    const leaving = this.leaving;
    for (let k = 0; k < leaving.length; k++) {
      const o = leaving[k];
      if (!isOpen(o.status)) removeAt(leaving, k--);
      else if (o.side === 'buy') bidRoom--;
      else askRoom--;
    }
    let buying = 0;
    let selling = 0;
    for (const o of ctx.openOrders(this.instrumentId)) {
      if (o.side === 'buy') buying += o.qty - o.filledQty;
      else selling += o.qty - o.filledQty;
    }
    const pos = ctx.position(this.instrumentId);
    const instrument = this.instrumentId;
    let sent = 0;
    this.held = 0;
    for (const price of wantBid) {
      if (this.bids.has(price) || pos + buying + size > maxPosition + 1e-9) continue;
      if (bidRoom <= 0) { this.held++; continue; }
      const r = ctx.buy(size, { type: 'limit', price, postOnly: true, instrument });
      if (r.ok) { this.bids.add(price, r.order); buying += size; sent++; bidRoom--; }
    }
    for (const price of wantAsk) {
      if (this.asks.has(price) || pos - selling - size < -maxPosition - 1e-9) continue;
      if (askRoom <= 0) { this.held++; continue; }
      const r = ctx.sell(size, { type: 'limit', price, postOnly: true, instrument });
      if (r.ok) { this.asks.add(price, r.order); selling += size; sent++; askRoom--; }
    }
    return sent;
  }

  /** True while wanted quotes wait for cancels to be confirmed: call `sync` again (e.g. on the next book update). */
  get waiting(): boolean {
    if (this.held === 0) return false;
    for (const o of this.leaving) if (!isOpen(o.status)) return true;
    return false;
  }

  /** Cancels every quote of the ladder. */
  clear(ctx: Context): void {
    truncate(this.wantBid, 0);
    truncate(this.wantAsk, 0);
    this.prune(ctx, this.bids, this.wantBid);
    this.prune(ctx, this.asks, this.wantAsk);
  }

  /** Forgets finished quotes and cancels the unwanted ones. */
  private prune(ctx: Context, book: Quotes, want: readonly number[]): void {
    for (let k = 0; k < book.size; k++) {
      const o = book.orders[k];
      if (isOpen(o.status) && want.includes(book.prices[k])) continue;
      if (isOpen(o.status)) {
        ctx.cancel(o.id);
        if (isOpen(o.status) && !this.leaving.includes(o)) this.leaving.push(o); // counted until the venue confirms
      }
      book.removeAt(k--);
    }
  }
}

/** One side's resting quotes: price → order, in the order they were placed. */
class Quotes {
  readonly prices: number[] = [];
  readonly orders: Order[] = [];

  get size(): number {
    return this.prices.length;
  }

  has(price: number): boolean {
    return this.prices.includes(price);
  }

  /** Adds a quote at a price not yet quoted. */
  add(price: number, order: Order): void {
    this.prices.push(price);
    this.orders.push(order);
  }

  removeAt(k: number): void {
    removeAt(this.prices, k);
    removeAt(this.orders, k);
  }
}

import { isOpen, type Order } from '../core/order.ts';
import type { Context } from '../engine/strategy.ts';

/**
 * A market maker's resting quotes on one instrument, kept in line with the wanted prices:
 * quotes still at a wanted price stay (keeping their queue place), the others are
 * cancelled and the missing prices quoted with post-only limit orders. Every open order —
 * including those whose cancel is still travelling — counts against `maxPosition`, and a
 * side never rests more quotes than it wants: a new quote waits until the one it replaces
 * is confirmed cancelled (`waiting` says when to sync again).
 */
export class QuoteLadder {
  private readonly bids = new Map<number, Order>();
  private readonly asks = new Map<number, Order>();
  private readonly wantBid = new Set<number>();
  private readonly wantAsk = new Set<number>();
  /** Quotes being cancelled: still resting at the venue until the cancel is confirmed, so still counted. */
  private readonly leaving = new Set<Order>();
  /** Wanted prices left unquoted because cancels were still travelling: sync again when they end. */
  private held = 0;

  constructor(private readonly instrumentId?: string) {}

  /** Moves the ladder to the wanted prices; returns how many new quotes were accepted. */
  sync(ctx: Context, bidPrices: Iterable<number>, askPrices: Iterable<number>, size: number, maxPosition: number): number {
    const wantBid = this.wantBid;
    const wantAsk = this.wantAsk;
    wantBid.clear();
    wantAsk.clear();
    for (const p of bidPrices) wantBid.add(p);
    for (const p of askPrices) wantAsk.add(p);
    this.prune(ctx, this.bids, wantBid);
    this.prune(ctx, this.asks, wantAsk);
    // At most as many quotes per side as wanted may rest, those still being cancelled included.
    let bidRoom = wantBid.size - this.bids.size;
    let askRoom = wantAsk.size - this.asks.size;
    for (const o of this.leaving) {
      if (!isOpen(o.status)) this.leaving.delete(o);
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
      if (r.ok) { this.bids.set(price, r.order); buying += size; sent++; bidRoom--; }
    }
    for (const price of wantAsk) {
      if (this.asks.has(price) || pos - selling - size < -maxPosition - 1e-9) continue;
      if (askRoom <= 0) { this.held++; continue; }
      const r = ctx.sell(size, { type: 'limit', price, postOnly: true, instrument });
      if (r.ok) { this.asks.set(price, r.order); selling += size; sent++; askRoom--; }
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
    this.wantBid.clear();
    this.wantAsk.clear();
    this.prune(ctx, this.bids, this.wantBid);
    this.prune(ctx, this.asks, this.wantAsk);
  }

  /** Forgets finished quotes and cancels the unwanted ones. */
  private prune(ctx: Context, book: Map<number, Order>, want: Set<number>): void {
    for (const [price, o] of book) {
      if (isOpen(o.status) && want.has(price)) continue;
      if (isOpen(o.status)) {
        ctx.cancel(o.id);
        if (isOpen(o.status)) this.leaving.add(o); // counted until the venue confirms
      }
      book.delete(price);
    }
  }
}

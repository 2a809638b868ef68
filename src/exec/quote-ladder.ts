import { isOpen, type Order } from '../core/order.ts';
import type { Context } from '../engine/strategy.ts';

/**
 * A market maker's resting quotes on one instrument, kept in line with the wanted prices:
 * quotes still at a wanted price stay (keeping their queue place), the others are
 * cancelled and the missing prices quoted with post-only limit orders. Every open order —
 * including those whose cancel is still travelling — counts against `maxPosition`.
 */
export class QuoteLadder {
  private readonly bids = new Map<number, Order>();
  private readonly asks = new Map<number, Order>();
  private readonly wantBid = new Set<number>();
  private readonly wantAsk = new Set<number>();

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
    let buying = 0;
    let selling = 0;
    for (const o of ctx.openOrders(this.instrumentId)) {
      if (o.side === 'buy') buying += o.qty - o.filledQty;
      else selling += o.qty - o.filledQty;
    }
    const pos = ctx.position(this.instrumentId);
    const instrument = this.instrumentId;
    let sent = 0;
    for (const price of wantBid) {
      if (this.bids.has(price) || pos + buying + size > maxPosition + 1e-9) continue;
      const r = ctx.buy(size, { type: 'limit', price, postOnly: true, instrument });
      if (r.ok) { this.bids.set(price, r.order); buying += size; sent++; }
    }
    for (const price of wantAsk) {
      if (this.asks.has(price) || pos - selling - size < -maxPosition - 1e-9) continue;
      const r = ctx.sell(size, { type: 'limit', price, postOnly: true, instrument });
      if (r.ok) { this.asks.set(price, r.order); selling += size; sent++; }
    }
    return sent;
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
      if (isOpen(o.status)) ctx.cancel(o.id);
      book.delete(price);
    }
  }
}

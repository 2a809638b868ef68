import type { VenueEvent } from '../engine/execution-client.ts';
import type { Leg, Tracked } from './ccxt-followed-orders.ts';
import type { CcxtTrade } from './ccxt-order.ts';
import type { FeeAssets } from './fee-assets.ts';

/** Trades of exchange orders not known yet (the stream's report came before the order's answer): kept at most this many. */
const MAX_WAITING = 1000;
/** REST reads of one order's trades before its missing commission is given up. */
const MAX_READS = 5;

/**
 * The commissions of a live client's orders, booked from the exchange's trades — one per
 * execution, each once by its trade id, whichever source brings it (the private trade
 * stream, an order answer's list, a REST read of the order's trades) and however often.
 * An order report's cumulative fee cannot be trusted for this: ccxt.pro sums the commission
 * of every execution report it receives (a duplicated one twice) and a REST read of an
 * order has none. A fill carries the commissions of the trades seen by then; a trade seen
 * after its fill is charged as a `fee` event of its own.
 */
export class TradeFees {
  /** Every leg this client sent, by exchange id (trades come after an order ended too). */
  private readonly legs = new Map<string, [Tracked, Leg]>();
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, CcxtTrade[]>();
  /** Legs with fills reported beyond their trades seen, since when (ms) and how often their trades were read: what a REST read completes. */
  private readonly short = new Map<Leg, { since: number; reads: number }>();
  /** @param assets what the commissions were charged in (one in the base asset is worth its quantity at the trade's price; see FeeAssets) */
  constructor(private readonly emit: (e: VenueEvent) => void, readonly assets: FeeAssets) {}

  /** The exchange acknowledged `leg` as `exchangeId`: its trades count from now (those that came first too). */
  follow(t: Tracked, leg: Leg, exchangeId: string): void {
    this.legs.set(exchangeId, [t, leg]);
    const early = this.waiting.get(exchangeId);
    if (early === undefined) return;
    this.waiting.delete(exchangeId);
    for (const tr of early) this.book(t, leg, tr);
  }

  /** A trade of exchange order `exchangeId` (from any source). */
  apply(exchangeId: string, tr: CcxtTrade): void {
    const hit = this.legs.get(exchangeId);
    if (hit !== undefined) {
      this.book(hit[0], hit[1], tr);
      return;
    }
    const list = this.waiting.get(exchangeId) ?? [];
    list.push(tr);
    this.waiting.set(exchangeId, list);
    if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!); // another account's orders
  }

  /** The commission a fill of `leg` carries: every one of its trades seen and not yet charged. */
  takeForFill(leg: Leg, filled: number): number {
    const fee = leg.tradeFee - leg.fee;
    leg.fee = leg.tradeFee;
    if (filled > leg.tradeQty + 1e-12) {
      if (!this.short.has(leg)) this.short.set(leg, { since: Date.now(), reads: 0 });
    } else this.short.delete(leg);
    return fee;
  }

  /** Legs whose fills were reported over `ms` ago without all their trades (ids of the exchange orders). */
  shortOfTrades(olderThanMs: number): string[] {
    const before = Date.now() - olderThanMs;
    const out: string[] = [];
    for (const [leg, s] of this.short) if (s.since <= before && leg.exchangeId !== null) out.push(leg.exchangeId);
    return out;
  }

  /**
   * A REST read of the order's trades answered: the next one waits another period; after
   * `MAX_READS` the leg is given up (true: its commission stays as far as its trades were found).
   */
  afterRead(exchangeId: string): boolean {
    const leg = this.legs.get(exchangeId)?.[1];
    const s = leg === undefined ? undefined : this.short.get(leg);
    if (s === undefined) return false;
    s.since = Date.now();
    if (++s.reads < MAX_READS) return false;
    this.short.delete(leg!);
    return true;
  }

  private book(t: Tracked, leg: Leg, tr: CcxtTrade): void {
    if (tr.id === undefined || this.seen.has(tr.id)) return;
    this.seen.add(tr.id);
    // An adopted order's executions before the session are in the balances it started from (and in its `filled`).
    if (leg.adoptedAt > 0 && tr.timestamp !== undefined && tr.timestamp < leg.adoptedAt) return;
    leg.tradeQty += tr.amount ?? 0;
    leg.tradeFee += this.assets.charge(tr.fee?.cost ?? 0, tr.fee?.currency, tr.price ?? 0, t.id);
    if (leg.filled < leg.tradeQty - 1e-12) return; // its fill is still to be reported: it carries the commission
    if (leg.filled <= leg.tradeQty + 1e-12) this.short.delete(leg);
    const owed = leg.tradeFee - leg.fee;
    if (owed === 0) return;
    leg.fee = leg.tradeFee;
    this.emit({ kind: 'fee', orderId: t.id, fee: owed });
  }
}

import type { Logger } from '../engine/logger.ts';
import { ccxtMessage } from './ccxt-errors.ts';
import type { FollowedOrders, Tracked } from './ccxt-followed-orders.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import type { VenueRequests } from './venue-requests.ts';

export interface KillCancelParts {
  ex: CcxtTrading;
  symbol: string;
  orders: FollowedOrders;
  requests: VenueRequests;
  log: Logger;
  /** The ordinary cancel of one order (sent now, or once the exchange has acknowledged it). */
  cancelOne: (t: Tracked) => void;
}

/**
 * The cancels that follow a kill switch: those asked in the same turn are gathered and go out
 * as one cancel-all (when the exchange's client has it); every one of them then goes out on
 * its own unless the cancel-all's answer ended it, which covers an order acknowledged after
 * the cancel-all and one whose id arrives later. A failed cancel-all is logged and leaves all
 * of them to the single cancels.
 */
export class KillCancels {
  private readonly ids = new Set<string>();
  private queued = false;

  constructor(private readonly p: KillCancelParts) {}

  add(t: Tracked): void {
    this.ids.add(t.id);
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => this.p.requests.run(() => this.send()));
  }

  private async send(): Promise<void> {
    const { ex, symbol, orders, requests, log } = this.p;
    if (ex.cancelAllOrders) {
      try {
        const cancelled = await ex.cancelAllOrders(symbol);
        requests.answered();
        for (const r of cancelled) {
          const hit = orders.find(r);
          if (hit !== undefined) orders.apply(hit[0], hit[1], { ...r, status: r.status ?? 'canceled' });
        }
        log.warn('kill switch: cancel-all sent', { cancelled: cancelled.length });
      } catch (e) {
        requests.classify(e); // rethrows what is not a ccxt error (a bug)
        log.warn('kill switch: cancel-all failed; cancelling one by one', { error: ccxtMessage(e) });
      }
    }
    for (const id of this.ids) {
      const t = orders.get(id);
      if (t !== undefined) this.p.cancelOne(t);
    }
  }
}

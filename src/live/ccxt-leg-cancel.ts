import { setTimeout as sleep } from 'node:timers/promises';
import { CcxtFailure } from './ccxt-errors.ts';
import type { FollowedOrders, Leg, Tracked } from './ccxt-followed-orders.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import type { CcxtOrderWatch } from './ccxt-order-watch.ts';
import type { VenueRequests } from './venue-requests.ts';

export interface LegCancelParts {
  readonly ex: CcxtTrading;
  readonly symbol: string;
  readonly orders: FollowedOrders;
  readonly requests: VenueRequests;
  /** Reads a leg's status again (after a refused cancel: it may have ended). */
  readonly watch: CcxtOrderWatch;
  /** Cancel requests before giving up. */
  readonly attempts: number;
}

/**
 * Cancels a leg at the exchange and learns its final fills: `cancelled`, `finished` (it ended
 * by itself first: filled or expired), or `failed` (no answer after the attempts; it may
 * still rest, and polling keeps following it). A refused cancel reads the leg again; a cancel
 * whose outcome is unknown is sent again after a back-off.
 */
export async function cancelLeg(p: LegCancelParts, t: Tracked, leg: Leg): Promise<'cancelled' | 'finished' | 'failed'> {
  for (let attempt = 0; attempt < p.attempts; attempt++) {
    if (t.done || leg.final) return 'finished';
    try {
      const r = await p.ex.cancelOrder(leg.exchangeId!, p.symbol);
      p.requests.answered();
      p.orders.apply(t, leg, r);
      return r.status === 'canceled' ? 'cancelled' : 'finished';
    } catch (e) {
      const f = p.requests.classify(e);
      if (f !== CcxtFailure.unknown) await p.watch.refresh(t, leg);
      else await sleep(50 * 2 ** attempt);
    }
  }
  return t.done || leg.final ? 'finished' : 'failed';
}

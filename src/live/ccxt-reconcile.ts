import type { Instrument } from '../core/instrument.ts';
import type { Engine } from '../engine/engine.ts';
import type { CcxtExecution } from './ccxt-execution.ts';
import { orderFromExchange, type CcxtTrading } from './ccxt-order.ts';

/** ccxt calls start-up reconciliation needs. */
export interface CcxtAccount extends CcxtTrading {
  fetchBalance(): Promise<Record<string, { total?: number } | unknown>>;
  fetchTicker(symbol: string): Promise<{ last?: number; bid?: number; ask?: number }>;
}

/**
 * Start-up reconciliation: open orders at the exchange are adopted by the engine (and
 * followed by the execution client) instead of being lost or sent again; the base-asset
 * balance becomes the position (valued at the last price) and the quote balance the cash.
 */
export async function reconcileFromExchange(ex: CcxtAccount, symbol: string, base: string, quote: string, instrument: Instrument, engine: Engine, exec: CcxtExecution, now: number): Promise<{ adopted: number }> {
  const open = await ex.fetchOpenOrders(symbol);
  for (const r of open) {
    const order = orderFromExchange(r, instrument, now);
    engine.adopt(order);
    exec.track(order, r.id, r.filled ?? 0);
  }
  const bal = await ex.fetchBalance();
  const total = (asset: string): number => Number((bal[asset] as { total?: number } | undefined)?.total ?? 0);
  const t = await ex.fetchTicker(symbol);
  const px = t.last ?? ((t.bid ?? Number.NaN) + (t.ask ?? Number.NaN)) / 2;
  engine.portfolio.adopt(0, total(base), px, total(quote));
  return { adopted: open.length };
}

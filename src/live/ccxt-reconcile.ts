import type { Instrument } from '../core/instrument.ts';
import type { Engine } from '../engine/engine.ts';
import type { CcxtExecution } from './ccxt-execution.ts';
import type { Logger } from '../engine/logger.ts';
import { ccxtMessage, classifyCcxtError } from './ccxt-errors.ts';
import { orderFromExchange, tickerPrice, type CcxtTicker, type CcxtTrading } from './ccxt-order.ts';

/** ccxt calls start-up reconciliation needs. */
export interface CcxtAccount extends CcxtTrading {
  fetchBalance(): Promise<Record<string, { total?: number } | unknown>>;
  fetchTicker(symbol: string): Promise<CcxtTicker>;
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
  const total = (asset: string) => totalOf(bal, asset);
  const px = tickerPrice(await ex.fetchTicker(symbol));
  engine.portfolio.adopt(0, total(base), px, total(quote));
  return { adopted: open.length };
}

/** An asset's total (free + held by orders) in a ccxt balance; 0 when absent. */
function totalOf(bal: Record<string, unknown>, asset: string): number {
  return Number((bal[asset] as { total?: number } | undefined)?.total ?? 0);
}

/**
 * The end-of-session position check: what the exchange holds of the base asset minus what
 * the session's fills make it (the position adopted at start plus every fill, less the fees
 * the exchange charged in the base asset). 0 when they agree to within half a lot (fills are
 * whole lots: a fill the session never saw shows as at least one); NaN when the balance
 * could not be read (logged).
 */
export async function positionGap(ex: CcxtAccount, base: string, sessionPosition: number, baseFees: number, lot: number, log: Logger): Promise<number> {
  let held: number;
  try {
    held = totalOf(await ex.fetchBalance(), base);
  } catch (e) {
    if (classifyCcxtError(e) === null) throw e;
    log.warn('end-of-session position check failed: the balance could not be read', { error: ccxtMessage(e) });
    return Number.NaN;
  }
  const gap = held - (sessionPosition - baseFees);
  if (Math.abs(gap) < lot / 2) return 0;
  log.error("the exchange's holding differs from the session's position", { asset: base, held, sessionPosition, baseFees, gap });
  return gap;
}

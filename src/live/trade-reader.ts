import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../engine/logger.ts';
import { ccxtMessage, classifyCcxtError } from './ccxt-errors.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import type { TradeFees } from './trade-fees.ts';

/**
 * Brings a live client's trades to its `TradeFees`: the private trade stream (ccxt.pro
 * `watchMyTrades`, reconnecting with backoff) and REST reads of one order's trades
 * (`fetchMyTrades` by `orderId`) for fills reported without them.
 */
export class TradeReader {
  private readonly reading = new Set<string>();
  private streaming = false;

  /** @param answered called when the exchange answered a read (the client's last contact) */
  constructor(private readonly ex: CcxtTrading, private readonly symbol: string, readonly fees: TradeFees, private readonly log: Logger, private readonly answered: () => void) {}

  /** Follows the private trade stream, when the exchange's client has one, until `stop`. */
  startStream(): void {
    if (!this.ex.watchMyTrades || this.ex.has?.watchMyTrades !== true) return;
    this.streaming = true;
    void this.stream();
  }

  stop(): void {
    this.streaming = false;
  }

  /** Exchange orders whose fills were reported over `olderThanMs` ago without all their trades, not being read now. */
  due(olderThanMs: number): string[] {
    return this.fees.shortOfTrades(olderThanMs).filter((id) => !this.reading.has(id));
  }

  /** Reads an exchange order's trades by REST. */
  async read(exchangeId: string): Promise<void> {
    if (this.reading.has(exchangeId)) return;
    this.reading.add(exchangeId);
    try {
      for (const tr of await this.ex.fetchMyTrades!(this.symbol, undefined, undefined, { orderId: exchangeId })) this.fees.apply(exchangeId, tr);
      this.answered();
      if (this.fees.afterRead(exchangeId)) this.log.warn("an order's commission stays incomplete: the exchange lists fewer trades than its fills", { exchangeId });
    } catch (e) {
      if (classifyCcxtError(e) === null) throw e;
      this.log.warn("reading an order's trades failed (its commission is booked when they are read)", { exchangeId, error: ccxtMessage(e) });
    } finally {
      this.reading.delete(exchangeId);
    }
  }

  private async stream(): Promise<void> {
    for (let backoff = 100; this.streaming;) {
      try {
        const trades = await this.ex.watchMyTrades!(this.symbol);
        if (!this.streaming) return;
        backoff = 100;
        for (const tr of trades) if (tr.order !== undefined) this.fees.apply(tr.order, tr);
      } catch (e) {
        if (!this.streaming) return;
        if (classifyCcxtError(e) === null) throw e;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}

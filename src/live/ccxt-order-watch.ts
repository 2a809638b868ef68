import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../engine/logger.ts';
import { ccxtMessage } from './ccxt-errors.ts';
import type { FollowedOrders, Leg, Tracked } from './ccxt-followed-orders.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import type { TradeReader } from './trade-reader.ts';
import type { StrayCheck } from './venue-audit.ts';
import type { VenueRequests } from './venue-requests.ts';

export interface OrderWatchParts {
  ex: CcxtTrading;
  symbol: string;
  orders: FollowedOrders;
  trades: TradeReader | null;
  strayCheck: StrayCheck;
  requests: VenueRequests;
  log: Logger;
  /** REST polling period while no private stream is up (ms). */
  pollMillis: number;
  /** REST polling period while the stream is up: the safety net (ms). */
  streamPollMillis: number;
  /** True once the kill switch tripped: strays are then left to the closing audit. */
  halted: () => boolean;
}

/**
 * How a live client learns what happened to its orders: the private order stream (ccxt.pro
 * `watchOrders`, reconnecting with backoff) and REST status rounds over the legs still open,
 * fast while the stream is down and as a safety net while it is up. Every report goes to the
 * followed orders, which take each fill once whichever source reports it first. The same
 * timer reads due trades for commissions and runs the stray check when it is due.
 */
export class CcxtOrderWatch {
  /** True while the private order stream delivers. */
  streamUp = false;
  /** Order updates taken from the stream / from REST polls (for tests and diagnostics). */
  readonly updates = { stream: 0, poll: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private streaming = false;
  private polling = false;
  private lastPoll = 0;

  constructor(private readonly p: OrderWatchParts) {}

  /** Starts the polling timer, and the order and trade streams when the exchange's client has them. */
  start(): void {
    this.timer = setInterval(() => this.poll(), this.p.pollMillis);
    this.timer.unref?.();
    if (this.p.ex.watchOrders) {
      this.streaming = true;
      void this.streamOrders();
      this.p.trades?.startStream();
    }
  }

  /** Stops polling and the order stream (requests in flight run to their end). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.streaming = false;
    this.streamUp = false;
  }

  /** Reads one leg's status from the venue and applies it; a failed read is logged (the next round tries again). */
  async refresh(t: Tracked, leg: Leg): Promise<void> {
    if (leg.exchangeId === null || leg.final) return;
    try {
      const r = await this.p.ex.fetchOrder(leg.exchangeId, this.p.symbol);
      this.p.requests.answered();
      this.updates.poll++;
      this.p.orders.apply(t, leg, r);
    } catch (e) {
      this.p.requests.classify(e); // rethrows what is not a ccxt error (a bug)
      this.p.log.warn('order status poll failed', { id: leg.clientId, error: ccxtMessage(e) });
    }
  }

  /** Reads the private order stream until stopped; reconnects with backoff (polling covers the gap). */
  private async streamOrders(): Promise<void> {
    let backoff = 100;
    while (this.streaming) {
      try {
        const updates = await this.p.ex.watchOrders!(this.p.symbol);
        if (!this.streaming) return;
        if (!this.streamUp) this.p.log.info('private order stream up');
        this.streamUp = true;
        this.p.requests.answered();
        backoff = 100;
        for (const r of updates) {
          const hit = this.p.orders.find(r);
          if (hit === undefined) continue;
          this.updates.stream++;
          this.p.orders.apply(hit[0], hit[1], r);
        }
      } catch (e) {
        if (!this.streaming) return;
        this.p.requests.classify(e); // rethrows what is not a ccxt error (a bug)
        if (this.streamUp) this.p.log.warn('private order stream lost; polling until it is back', { error: ccxtMessage(e) });
        this.streamUp = false;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** One status round over the legs still open (skipped while the previous round runs); the stray check when due. */
  private poll(): void {
    const { requests, orders, trades, strayCheck } = this.p;
    const now = Date.now();
    // During the session a stray is cancelled at once (the strategy does not know it rests); only legs that ended
    // here over a second before the exchange is asked count: its list may predate an end learned just now.
    if (!this.p.halted() && strayCheck.isDue(now)) requests.run(() => strayCheck.check(orders.openClientIds(), true, now - 1000), false);
    for (const id of trades?.due(1000) ?? []) requests.run(() => trades!.read(id), false);
    if (this.polling) return;
    if (this.streamUp && now - this.lastPoll < this.p.streamPollMillis) return;
    this.lastPoll = now;
    this.polling = true;
    const round: Promise<void>[] = [];
    for (const [t, leg] of orders.legsAtExchange()) round.push(this.refresh(t, leg));
    requests.run(() => Promise.allSettled(round).then(() => { this.polling = false; }), false);
  }
}

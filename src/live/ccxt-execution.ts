import { Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { OrderStatus, OrderType, RejectReason, Side, TimeInForce, type Order, type OrderChanges } from '../core/order.ts';
import type { Clock } from '../engine/clock.ts';
import type { ExecutionClient, OrderEventSink, Refusal } from '../engine/execution-client.ts';
import type { Logger } from '../engine/logger.ts';
import type { Portfolio } from '../engine/portfolio.ts';

/** The ccxt calls live order routing uses. */
export interface CcxtTrading {
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<CcxtOrder>;
  editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: Record<string, unknown>): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol: string): Promise<CcxtOrder>;
  fetchOrder(id: string, symbol: string): Promise<CcxtOrder>;
  fetchOpenOrders(symbol: string): Promise<CcxtOrder[]>;
  /** ccxt.pro private order stream (the exchange's user-data stream), when the client has it. */
  watchOrders?(symbol: string): Promise<CcxtOrder[]>;
}

/** The fields of a ccxt order we read. */
export interface CcxtOrder {
  id: string;
  clientOrderId?: string;
  status?: string;
  side?: string;
  type?: string;
  price?: number;
  amount?: number;
  filled?: number;
  average?: number;
  cost?: number;
  /** Cumulative fee of the order (ccxt sums the executions it saw); currency base or quote. */
  fee?: { cost?: number; currency?: string };
  postOnly?: boolean;
}

interface Tracked {
  order: Order;
  exchangeId: string | null;
  /** Filled quantity and cost already reported to the engine. */
  reported: number;
  reportedCost: number;
  /** Cumulative fee already reported (quote currency). */
  reportedFee: number;
  cancelRequested: boolean;
}

/**
 * Live order routing through ccxt: every order gets a client order id (`<prefix><seq>`),
 * is sent asynchronously (the engine sees it accepted at once), retried with the same
 * client id on a network error (the exchange refuses duplicates, so a retry never doubles
 * an order), and followed until it is done — through the exchange's private order stream
 * (ccxt.pro `watchOrders`) when the client has one, with REST polling as the safety net
 * (every `pollMillis` while no stream is up, every `streamPollMillis` while it is). Every
 * update carries cumulative filled quantity and cost, so whichever source reports first,
 * each fill is reported exactly once. The state machine is the engine's: accepted →
 * partially filled → filled | cancelled | rejected.
 */
export class CcxtExecution implements ExecutionClient {
  private sink!: OrderEventSink;
  private readonly tracked = new Map<Order, Tracked>();
  private readonly inflight = new Set<Promise<unknown>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly byExchangeId = new Map<string, Tracked>();
  private streaming = false;
  /** True while the private order stream delivers. */
  streamUp = false;
  /** Order updates taken from the stream / from REST polls (for tests and diagnostics). */
  readonly updates = { stream: 0, poll: 0 };
  private lastPoll = 0;
  private readonly base: string;

  constructor(
    private readonly ex: CcxtTrading,
    private readonly symbol: string,
    private readonly instrument: Instrument,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly pollMillis = 100,
    private readonly retries = 3,
    private readonly streamPollMillis = 2000,
  ) {
    this.base = symbol.split('/')[0];
  }

  bind(sink: OrderEventSink, _account: Portfolio): void {
    this.sink = sink;
    this.timer = setInterval(() => this.poll(), this.pollMillis);
    this.timer.unref?.();
    if (this.ex.watchOrders) {
      this.streaming = true;
      void this.streamOrders();
    }
  }

  /** Follows an order that already rests at the exchange (reconciliation). */
  track(order: Order, exchangeId: string, filled: number): void {
    const t: Tracked = { order, exchangeId, reported: filled, reportedCost: 0, reportedFee: 0, cancelRequested: false };
    this.tracked.set(order, t);
    this.byExchangeId.set(exchangeId, t);
  }

  /** Reads the private order stream until closed; reconnects with backoff (polling covers the gap). */
  private async streamOrders(): Promise<void> {
    let backoff = 100;
    while (this.streaming) {
      try {
        const updates = await this.ex.watchOrders!(this.symbol);
        if (!this.streaming) return;
        if (!this.streamUp) this.log.info('private order stream up');
        this.streamUp = true;
        backoff = 100;
        for (const r of updates) {
          const t = this.byExchangeId.get(r.id) ?? this.findByClientId(r.clientOrderId);
          if (t === undefined) continue;
          if (t.exchangeId === null) { t.exchangeId = r.id; this.byExchangeId.set(r.id, t); }
          this.updates.stream++;
          this.apply(t, r);
        }
      } catch (e) {
        if (!this.streaming) return;
        if (this.streamUp) this.log.warn('private order stream lost; polling until it is back', { error: String(e).slice(0, 200) });
        this.streamUp = false;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private findByClientId(id: string | undefined): Tracked | undefined {
    if (id === undefined) return undefined;
    for (const t of this.tracked.values()) if (t.order.id === id) return t;
    return undefined;
  }

  submit(order: Order): Refusal | null {
    const t: Tracked = { order, exchangeId: null, reported: 0, reportedCost: 0, reportedFee: 0, cancelRequested: false };
    this.tracked.set(order, t);
    const params: Record<string, unknown> = { clientOrderId: order.id };
    if (order.postOnly) params.postOnly = true;
    if (order.tif === TimeInForce.IOC || order.tif === TimeInForce.FOK) params.timeInForce = order.tif;
    const type = order.type === OrderType.market ? 'market' : 'limit';
    this.run(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await this.ex.createOrder(this.symbol, type, order.side, order.qty, type === 'limit' ? order.price : undefined, params);
          t.exchangeId = r.id;
          this.byExchangeId.set(r.id, t);
          this.apply(t, r);
          return;
        } catch (e) {
          const name = (e as Error).constructor?.name ?? '';
          if (/Network|RequestTimeout|ExchangeNotAvailable/.test(name) && attempt < this.retries) {
            this.log.warn('order request failed; retrying with the same client id', { id: order.id, error: String(e) });
            continue;
          }
          if (/Duplicate/i.test(String(e))) return; // an earlier attempt did arrive: polling finds it by client id
          this.tracked.delete(order);
          this.sink.statusChanged(order, OrderStatus.rejected, /insufficient/i.test(String(e)) ? RejectReason.insufficientCash : String(e).slice(0, 200));
          return;
        }
      }
    });
    return null;
  }

  cancel(order: Order): 'pending' {
    const t = this.tracked.get(order);
    if (t) t.cancelRequested = true;
    this.run(async () => {
      for (let k = 0; k < 50 && t && t.exchangeId === null && this.tracked.has(order); k++) await new Promise((r) => setTimeout(r, 10));
      if (!t || t.exchangeId === null || !this.tracked.has(order)) return;
      try {
        this.apply(t, await this.ex.cancelOrder(t.exchangeId, this.symbol));
      } catch (e) {
        this.log.warn('cancel failed (already done?)', { id: order.id, error: String(e) });
        await this.refresh(t);
      }
    });
    return 'pending';
  }

  /**
   * Replaces an unfilled order through ccxt's editOrder (Binance spot: cancel-replace, a new
   * exchange order id; queue priority is lost as on the venue). Partly filled orders are
   * refused: cancel and submit instead.
   */
  replace(order: Order, changes: OrderChanges): Refusal | null {
    const t = this.tracked.get(order);
    if (!t || t.reported > 0 || order.filledQty > 0) {
      return { reason: RejectReason.notOpen, message: 'only unfilled open orders can be replaced live: cancel and submit a new order' };
    }
    const qty = changes.qty ?? order.qty;
    const price = changes.price ?? order.price;
    this.run(async () => {
      for (let k = 0; k < 50 && t.exchangeId === null && this.tracked.has(order); k++) await new Promise((r) => setTimeout(r, 10));
      if (t.exchangeId === null || !this.tracked.has(order)) return;
      try {
        const r = await this.ex.editOrder(t.exchangeId, this.symbol, order.type === OrderType.market ? 'market' : 'limit', order.side, qty, price, {
          newClientOrderId: `${order.id}r${Date.now().toString(36)}`,
        });
        t.exchangeId = r.id;
        this.byExchangeId.set(r.id, t);
        this.apply(t, r);
      } catch (e) {
        this.log.warn('replace failed; the order is left as it was at the exchange', { id: order.id, error: String(e) });
        await this.refresh(t);
      }
    });
    return null;
  }

  /**
   * Cancels every order this session still follows at the exchange, including ones whose
   * submit was in flight (it waits for them first), and confirms each outcome.
   */
  async cancelAll(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.tracked.values()].filter((t) => t.exchangeId !== null).map(async (t) => {
      try {
        this.apply(t, await this.ex.cancelOrder(t.exchangeId!, this.symbol));
      } catch {
        await this.refresh(t);
      }
    }));
  }

  /** Waits for every request in flight, takes a last look at every order, then stops polling. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.streaming = false;
    this.streamUp = false;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.tracked.values()].map((t) => this.refresh(t)));
  }

  private run(fn: () => Promise<void>): void {
    const p = fn().finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private polling = false;

  /** One status round over the orders still open (skipped while the previous round runs). */
  private poll(): void {
    if (this.polling) return;
    const now = Date.now();
    if (this.streamUp && now - this.lastPoll < this.streamPollMillis) return;
    this.lastPoll = now;
    this.polling = true;
    const round = [...this.tracked.values()].filter((t) => t.exchangeId !== null).map((t) => this.refresh(t));
    this.run(() => Promise.allSettled(round).then(() => { this.polling = false; }));
  }

  private async refresh(t: Tracked): Promise<void> {
    if (t.exchangeId === null || !this.tracked.has(t.order)) return;
    try {
      const r = await this.ex.fetchOrder(t.exchangeId, this.symbol);
      this.updates.poll++;
      this.apply(t, r);
    } catch (e) {
      this.log.warn('order status poll failed', { id: t.order.id, error: String(e) });
    }
  }

  /** Reports what changed since the last look: new fills, then a final status. */
  private apply(t: Tracked, r: CcxtOrder): void {
    if (!this.tracked.has(t.order)) return;
    const filled = r.filled ?? 0;
    if (filled > t.reported + 1e-12) {
      const qty = filled - t.reported;
      // The price of the new part: total cost minus what was already reported.
      const cost = r.cost ?? filled * (r.average ?? r.price ?? Number.NaN);
      const price = t.reported > 0 && cost > t.reportedCost ? (cost - t.reportedCost) / qty : r.average ?? r.price ?? cost / filled;
      t.reportedCost = cost;
      // Cumulative fee in quote currency (Binance may charge in the base asset) minus what was reported.
      const cumFee = r.fee?.cost !== undefined ? r.fee.cost * (r.fee.currency === this.base ? price : 1) : t.reportedFee;
      const fee = cumFee - t.reportedFee;
      t.reportedFee = cumFee;
      t.reported = filled;
      this.sink.fillReceived(t.order, price, qty, fee, r.type === 'market' ? Liquidity.taker : Liquidity.maker);
    }
    if (r.status === 'canceled' || r.status === 'expired' || r.status === 'rejected') {
      this.forget(t);
      if (t.order.status !== OrderStatus.filled) this.sink.statusChanged(t.order, r.status === 'canceled' ? OrderStatus.cancelled : r.status === 'expired' ? OrderStatus.expired : OrderStatus.rejected, r.status);
    } else if (r.status === 'closed') {
      this.forget(t);
    }
  }

  private forget(t: Tracked): void {
    this.tracked.delete(t.order);
    if (t.exchangeId !== null) this.byExchangeId.delete(t.exchangeId);
  }
}

/** An engine order object for an order found open at the exchange (reconciliation). */
export function orderFromExchange(r: CcxtOrder, instrument: Instrument, now: number): Order {
  return {
    id: r.clientOrderId ?? `ex-${r.id}`, instrumentId: instrument.id, side: r.side === 'sell' ? Side.sell : Side.buy,
    type: r.type === 'market' ? OrderType.market : OrderType.limit, tif: TimeInForce.GTC, postOnly: r.postOnly ?? false, reduceOnly: false,
    qty: r.amount ?? 0, price: r.price ?? Number.NaN, stopPrice: Number.NaN, status: (r.filled ?? 0) > 0 ? OrderStatus.partiallyFilled : OrderStatus.accepted,
    filledQty: r.filled ?? 0, avgFillPrice: r.average ?? Number.NaN, fees: 0, createdTs: now, updatedTs: now, reason: undefined, tag: 'adopted',
  };
}

import type { BarView, TradeView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { OrderEvent } from '../core/order-event.ts';
import { isOpen, type Order, type Side } from '../core/order.ts';
import type { TimerEvent } from '../engine/clock.ts';
import type { Context } from '../engine/strategy.ts';
import { implementationShortfall, type Shortfall } from './implementation-shortfall.ts';

/** What every execution algorithm is given. */
export interface ExecOptions {
  side: Side;
  /** Total quantity to execute. */
  qty: number;
  /** Instrument id (optional with one instrument). */
  instrument?: string;
  /** Arrival price; default the book mid at start, else the first trade or bar close seen. */
  arrivalPrice?: number;
  /** Child orders: market (default) or limit at the near touch (joins the queue). */
  childType?: 'market' | 'limit';
}

/** Progress and implementation shortfall of an algorithm. */
export interface ExecReport extends Shortfall {
  readonly algo: string;
  readonly id: string;
  readonly startTs: number;
  readonly endTs: number;
  readonly childOrders: number;
  readonly done: boolean;
}

/**
 * Base of the execution algorithms: child-order bookkeeping (what is filled, what is still
 * working), arrival and last prices, and the shortfall report. Subclasses decide when and
 * how much to send. Everything goes through the strategy Context, so an algorithm runs the
 * same in backtest, paper and live mode.
 */
export abstract class ExecAlgo {
  abstract readonly algo: string;
  readonly id: string;
  protected readonly o: ExecOptions;
  /** Child orders by id, in the order they were sent. */
  protected readonly children = new Map<string, Order>();
  private readonly fills: { price: number; qty: number; fee: number }[] = [];
  protected filled = 0;
  protected arrival = Number.NaN;
  protected lastPrice = Number.NaN;
  protected startTs = Number.NaN;
  protected endTs = Number.NaN;
  protected finished = false;

  constructor(id: string, o: ExecOptions) {
    if (!(o.qty > 0)) throw new RangeError(`${id}: qty must be > 0`);
    this.id = id;
    this.o = o;
    this.arrival = o.arrivalPrice ?? Number.NaN;
  }

  /** Starts at the context's current time. */
  start(ctx: Context): void {
    this.startTs = ctx.now();
    const mid = safeMid(ctx, this.o.instrument);
    if (Number.isNaN(this.arrival) && mid > 0) this.arrival = mid;
    if (mid > 0) this.lastPrice = mid;
    this.onStart(ctx);
  }

  protected abstract onStart(ctx: Context): void;
  /** Timer of this algorithm (names start with `id:`). */
  protected onTimerFired(_name: string, _ctx: Context): void {}
  protected onMarketTrade(_trade: TradeView, _ctx: Context): void {}
  protected onChildFilled(_order: Readonly<Order>, _ctx: Context): void {}
  protected onChildCancelled(_order: Readonly<Order>, _ctx: Context): void {}

  /** Quantity not yet filled nor working. */
  protected unassigned(): number {
    return Math.max(0, this.o.qty - this.filled - this.working());
  }

  /** Quantity of open child orders not yet filled. */
  protected working(): number {
    let w = 0;
    for (const c of this.children.values()) if (isOpen(c.status)) w += c.qty - c.filledQty;
    return w;
  }

  /**
   * Sends a child order of `qty` (rounded down to the lot): by default per `childType`
   * (market, or limit at the near touch); `'market'` forces a market order; a number is a limit price.
   */
  protected send(ctx: Context, qty: number, how: 'default' | 'market' | number = 'default'): Order | null {
    const lot = ctx.instrument(this.o.instrument).lotSize;
    const q = Math.floor(qty / lot + 1e-9) * lot;
    if (!(q > 0)) return null;
    const limit = typeof how === 'number' ? how : how === 'default' && this.o.childType === 'limit' ? this.nearTouch(ctx) : Number.NaN;
    const r = ctx.submit({
      instrument: this.o.instrument, side: this.o.side, qty: Number(q.toFixed(12)),
      ...(limit > 0 ? { type: 'limit' as const, price: limit } : { type: 'market' as const }), tag: this.id,
    });
    if (!r.ok) {
      ctx.log.warn(`${this.id}: child order refused`, { reason: r.reason, message: r.message });
      return null;
    }
    this.children.set(r.order.id, r.order as Order);
    return r.order as Order;
  }

  /** Cancels the open children. */
  protected cancelWorking(ctx: Context): void {
    for (const c of this.children.values()) if (isOpen(c.status)) ctx.cancel(c.id);
  }

  /** Best bid for a buy, best ask for a sell (NaN without a book). */
  protected nearTouch(ctx: Context): number {
    try {
      const b = ctx.book(this.o.instrument);
      return this.o.side === 'buy' ? b.bestBid() : b.bestAsk();
    } catch {
      return Number.NaN;
    }
  }

  protected complete(ctx: Context): void {
    if (this.finished) return;
    this.finished = true;
    this.endTs = ctx.now();
    this.cancelWorking(ctx);
  }

  // ---- driven by the strategy's callbacks (through Executor) ----

  handleTimer(name: string, ctx: Context): void {
    if (!this.finished) this.onTimerFired(name, ctx);
  }

  handleTrade(trade: TradeView, ctx: Context): void {
    this.lastPrice = trade.price;
    if (Number.isNaN(this.arrival)) this.arrival = trade.price;
    if (!this.finished) this.onMarketTrade(trade, ctx);
  }

  handleBar(bar: BarView): void {
    this.lastPrice = bar.close;
    if (Number.isNaN(this.arrival)) this.arrival = bar.close;
  }

  /** True when the fill belonged to this algorithm. */
  handleFill(fill: Fill, ctx: Context): boolean {
    const order = this.children.get(fill.orderId);
    if (order === undefined) return false;
    this.fills.push({ price: fill.price, qty: fill.qty, fee: fill.fee });
    this.filled += fill.qty;
    this.lastPrice = fill.price;
    if (this.filled >= this.o.qty * (1 - 1e-9)) this.complete(ctx);
    else if (!this.finished) this.onChildFilled(order, ctx);
    return true;
  }

  /** Order events: a child that ends unfilled (cancelled, expired, rejected by the venue) reaches the algorithm here. */
  handleOrder(e: OrderEvent, ctx: Context): void {
    const ended = e.kind === 'cancelled' || e.kind === 'expired' || e.kind === 'rejected';
    if (ended && this.children.has(e.order.id) && !this.finished) this.onChildCancelled(e.order, ctx);
  }

  get done(): boolean {
    return this.finished;
  }

  report(): ExecReport {
    const s = implementationShortfall(this.o.side, this.arrival, this.o.qty, this.fills, this.lastPrice);
    return { ...s, algo: this.algo, id: this.id, startTs: this.startTs, endTs: this.endTs, childOrders: this.children.size, done: this.finished };
  }
}

function safeMid(ctx: Context, instrument?: string): number {
  try {
    return ctx.book(instrument).mid();
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs execution algorithms inside a strategy: start them, forward the strategy's
 * onTimer/onTrade/onBar/onOrder/onFill callbacks, read their reports.
 */
export class Executor {
  private readonly algos: ExecAlgo[] = [];

  start(algo: ExecAlgo, ctx: Context): ExecAlgo {
    if (this.algos.some((a) => a.id === algo.id)) throw new RangeError(`execution algorithm id ${algo.id} is already used`);
    this.algos.push(algo);
    algo.start(ctx);
    return algo;
  }

  onTimer(timer: TimerEvent, ctx: Context): void {
    for (const a of this.algos) if (timer.name.startsWith(`${a.id}:`)) a.handleTimer(timer.name, ctx);
  }

  onTrade(trade: TradeView, ctx: Context): void {
    for (const a of this.algos) a.handleTrade(trade, ctx);
  }

  onBar(bar: BarView): void {
    for (const a of this.algos) a.handleBar(bar);
  }

  onOrder(event: OrderEvent, ctx: Context): void {
    for (const a of this.algos) a.handleOrder(event, ctx);
  }

  onFill(fill: Fill, ctx: Context): void {
    for (const a of this.algos) if (a.handleFill(fill, ctx)) return;
  }

  reports(): ExecReport[] {
    return this.algos.map((a) => a.report());
  }
}

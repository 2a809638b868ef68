import type { BookDeltaView, TradeView } from '../../core/events.ts';
import { isMultipleOf, type Instrument } from '../../core/instrument.ts';
import { Liquidity } from '../../core/fill.ts';
import { OrderType, Side, TimeInForce, type OrderSnapshot } from '../../core/order.ts';
import type { VenueEvent } from '../../engine/execution-client.ts';
import { Portfolio } from '../../engine/portfolio.ts';
import { SimClock } from '../../engine/sim-clock.ts';
import type { L2Book } from '../../book/l2-book.ts';
import { makerTakerFee } from '../../sim/fee-model.ts';
import { L2Venue } from '../../sim/l2-venue.ts';

/** A Binance API error (HTTP status, Binance code and its exact message). */
export class BinanceError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) {
    super(msg);
  }
}

/** Binance spot order types the loopback accepts (BTCUSDT's list). */
export const SPOT_ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'] as const;

/** One order as the exchange keeps it. */
/** Balances are kept to 8 decimals, as Binance keeps them (no float drift: 0.1 + 0.03 is 0.13, not 0.12999999999999998). */
function dec8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

export interface SpotOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly apiKey: string;
  readonly side: Side;
  /** Binance type (one of SPOT_ORDER_TYPES). */
  readonly type: string;
  readonly timeInForce: string;
  readonly qty: number;
  /** Limit price (NaN for market orders). */
  readonly price: number;
  /** Trigger price of STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT (NaN otherwise). */
  readonly stopPrice: number;
  executed: number;
  cumQuote: number;
  /**
   * Its executions: Binance's FULL order response lists the first five fields (`tradeId` is
   * the user-data stream's `t`); myTrades adds when (ms) and whether the order was the maker.
   */
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number; time: number; isMaker: boolean }[];
  /** NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED. */
  status: string;
  /** False while a stop order waits for its trigger. */
  working: boolean;
  readonly time: number;
  /** Quote reserved per unit for a buy (its limit, or the best ask when a market order arrived). */
  readonly reservePrice: number;
}

export interface SpotOrdersOptions {
  symbol: string;
  base: string;
  quote: string;
  tickSize: number;
  stepSize: number;
  /** NOTIONAL filter: smallest price × quantity (0: none). */
  minNotional: number;
  balances: Readonly<Record<string, number>>;
  keys: Iterable<string>;
  takerFee: number;
  makerFee: number;
  /** Commissions charged in another asset (Binance's BNB discount); none: in the quote. */
  feeAsset?: FeeAsset;
}

/** An asset commissions are charged in instead of the quote, and its price in quote units. */
export interface FeeAsset {
  readonly asset: string;
  readonly price: number;
}

/** What the exchange does when an order changes (user-data stream). */
export type ExecutionReport = (order: SpotOrder, execType: string, lastQty?: number, lastPrice?: number, commission?: number) => void;

const OPEN = new Set(['NEW', 'PARTIALLY_FILLED']);

/**
 * The trading side of the loopback exchange, as Binance spot behaves: per-API-key
 * balances reserved on placement, LOT_SIZE / PRICE_FILTER / NOTIONAL filters, LIMIT_MAKER
 * refused when it would take, stop-limit orders held until the last trade price reaches
 * their trigger (refused when they would trigger at once), IOC/FOK remainders and
 * unfilled market orders EXPIRED, duplicate client ids refused while the first is open,
 * cancels of finished orders refused with -2011. Matching runs in the simulated L2 venue
 * against the replayed book.
 */
export class SpotOrders {
  readonly instrument: Instrument;
  private readonly clock = new SimClock();
  private readonly venue: L2Venue;
  private readonly orders = new Map<number, SpotOrder>();
  private readonly balances = new Map<string, Map<string, { free: number; locked: number }>>();
  private readonly stops: SpotOrder[] = [];
  private nextId = 1;
  private nextTradeId = 1;
  private lastPrice = Number.NaN;

  constructor(private readonly o: SpotOrdersOptions, instrument: Instrument, private readonly onReport: ExecutionReport) {
    this.instrument = instrument;
    this.venue = new L2Venue({ instruments: [instrument], clock: this.clock, fees: makerTakerFee(o.makerFee, o.takerFee) });
    this.venue.bind({ onVenueEvent: (e) => this.onVenueEvent(e) }, new Portfolio([instrument], 0));
    for (const key of o.keys) this.balances.set(key, new Map(Object.entries(o.balances).map(([a, v]) => [a, { free: v, locked: 0 }])));
  }

  /** The exchange's book. */
  book(): L2Book {
    return this.venue.book(0);
  }

  /** Exchange time (µs): the replayed market's. */
  now(): number {
    return this.clock.now();
  }

  /** Every order (any key), for tests and the exchange's own record. */
  all(): SpotOrder[] {
    return [...this.orders.values()];
  }

  onDelta(d: BookDeltaView): void {
    this.clock.advanceTo(Math.max(this.clock.now(), d.ts), () => {});
    this.venue.onBookDelta({ ...d, tsLocal: d.ts });
  }

  onTrade(t: TradeView): void {
    this.clock.advanceTo(Math.max(this.clock.now(), t.ts), () => {});
    this.venue.onTrade({ ...t, tsLocal: t.ts });
    this.lastPrice = t.price;
    if (this.stops.length > 0) this.triggerStops(t.price);
  }

  balance(key: string, asset: string): { free: number; locked: number } {
    const b = this.balances.get(key)!;
    let x = b.get(asset);
    if (!x) b.set(asset, (x = { free: 0, locked: 0 }));
    return x;
  }

  /** Balances of a key, asset → free/locked. */
  balancesOf(key: string): [string, { free: number; locked: number }][] {
    return [...this.balances.get(key)!];
  }

  /** POST /api/v3/order. */
  place(key: string, p: URLSearchParams): SpotOrder {
    if (p.get('symbol') !== this.o.symbol) throw new BinanceError(400, -1121, 'Invalid symbol.');
    const side = p.get('side') === 'BUY' ? Side.buy : p.get('side') === 'SELL' ? Side.sell : null;
    const type = p.get('type') ?? '';
    const qty = Number(p.get('quantity'));
    if (!side || !(qty > 0)) throw new BinanceError(400, -1102, 'Mandatory parameter side/quantity was not sent or malformed.');
    if (!(SPOT_ORDER_TYPES as readonly string[]).includes(type)) throw new BinanceError(400, -1116, 'Invalid orderType.');
    const market = type === 'MARKET';
    const price = market ? Number.NaN : Number(p.get('price'));
    if (!market && !(price > 0)) throw new BinanceError(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    const stop = type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
    const stopPrice = stop ? Number(p.get('stopPrice')) : Number.NaN;
    if (stop && !(stopPrice > 0)) throw new BinanceError(400, -1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
    this.checkFilters(qty, price, stopPrice);
    const timeInForce = type === 'LIMIT' || stop ? p.get('timeInForce') ?? '' : 'GTC';
    if (!['GTC', 'IOC', 'FOK'].includes(timeInForce)) throw new BinanceError(400, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    const clientOrderId = p.get('newClientOrderId') ?? `loopback-${this.nextId}`;
    if ([...this.orders.values()].some((r) => r.apiKey === key && r.clientOrderId === clientOrderId && OPEN.has(r.status))) {
      throw new BinanceError(400, -2010, 'Duplicate order sent.');
    }
    if (type === 'LIMIT_MAKER' && this.crosses(side, price)) throw new BinanceError(400, -2010, 'Order would immediately match and take.');
    if (stop && this.triggers(type, side, stopPrice, this.lastPrice)) throw new BinanceError(400, -2010, 'Order would trigger immediately.');
    const ref = market ? (side === Side.buy ? this.book().bestAsk() : this.book().bestBid()) : price;
    this.reserve(key, side, qty, ref);
    const r: SpotOrder = {
      orderId: this.nextId++, clientOrderId, apiKey: key, side, type, timeInForce, qty, price, stopPrice, executed: 0, cumQuote: 0, fills: [],
      status: 'NEW', working: !stop, time: Date.now(), reservePrice: ref,
    };
    this.orders.set(r.orderId, r);
    this.onReport(r, 'NEW');
    if (stop) this.stops.push(r);
    else this.toBook(r);
    return r;
  }

  /** DELETE /api/v3/order. */
  cancel(key: string, p: URLSearchParams): SpotOrder {
    const r = this.find(key, p);
    if (!OPEN.has(r.status)) throw new BinanceError(400, -2011, 'Unknown order sent.');
    const k = this.stops.indexOf(r);
    if (k >= 0) {
      this.stops.splice(k, 1);
      this.end(r, 'CANCELED');
      return r;
    }
    this.venue.cancel(String(r.orderId));
    this.settle();
    return r;
  }

  /** DELETE /api/v3/openOrders: every open order of the key. */
  cancelAll(key: string, p: URLSearchParams): SpotOrder[] {
    if (p.get('symbol') !== this.o.symbol) throw new BinanceError(400, -1121, 'Invalid symbol.');
    const open = this.open(key);
    for (const r of open) this.cancel(key, new URLSearchParams({ orderId: String(r.orderId) }));
    return open;
  }

  /** GET /api/v3/order (by orderId or origClientOrderId). */
  find(key: string, p: URLSearchParams): SpotOrder {
    const id = p.get('orderId');
    const cid = p.get('origClientOrderId');
    let r: SpotOrder | undefined;
    if (id !== null) r = this.orders.get(Number(id));
    else for (const x of this.orders.values()) if (x.clientOrderId === cid && x.apiKey === key) r = x; // the latest with that id
    if (!r || r.apiKey !== key) throw new BinanceError(400, -2013, 'Order does not exist.');
    return r;
  }

  /** GET /api/v3/myTrades: a key's executions, oldest first (of one order with `orderId`), at most `limit` (default 500, as Binance). */
  myTrades(key: string, p: URLSearchParams): Record<string, unknown>[] {
    if (p.get('symbol') !== this.o.symbol) throw new BinanceError(400, -1121, 'Invalid symbol.');
    const orderId = p.get('orderId');
    const out: Record<string, unknown>[] = [];
    for (const r of this.orders.values()) {
      if (r.apiKey !== key || (orderId !== null && r.orderId !== Number(orderId))) continue;
      for (const f of r.fills) out.push({
        symbol: this.o.symbol, id: f.tradeId, orderId: r.orderId, orderListId: -1, price: f.price, qty: f.qty, quoteQty: String(Number(f.price) * Number(f.qty)),
        commission: f.commission, commissionAsset: f.commissionAsset, time: f.time, isBuyer: r.side === Side.buy, isMaker: f.isMaker, isBestMatch: true,
      });
    }
    out.sort((a, b) => (a.id as number) - (b.id as number));
    return out.slice(-Number(p.get('limit') ?? 500));
  }

  /** Open orders of a key. */
  open(key: string): SpotOrder[] {
    return [...this.orders.values()].filter((r) => r.apiKey === key && OPEN.has(r.status));
  }

  private checkFilters(qty: number, price: number, stopPrice: number): void {
    const o = this.o;
    if (!isMultipleOf(qty, o.stepSize) || qty < o.stepSize || qty > 9000) throw new BinanceError(400, -1013, 'Filter failure: LOT_SIZE');
    for (const px of [price, stopPrice]) {
      if (!Number.isNaN(px) && (!isMultipleOf(px, o.tickSize) || px < o.tickSize || px > 1_000_000)) throw new BinanceError(400, -1013, 'Filter failure: PRICE_FILTER');
    }
    const ref = Number.isNaN(price) ? this.book().mid() : price;
    if (o.minNotional > 0 && Number.isFinite(ref) && ref * qty < o.minNotional) throw new BinanceError(400, -1013, 'Filter failure: NOTIONAL');
  }

  private crosses(side: Side, price: number): boolean {
    const b = this.book();
    return side === Side.buy ? b.asks.levels > 0 && price >= b.bestAsk() : b.bids.levels > 0 && price <= b.bestBid();
  }

  /** STOP_LOSS_LIMIT: a buy triggers at or above its stop, a sell at or below; TAKE_PROFIT_LIMIT the other way. */
  private triggers(type: string, side: Side, stopPrice: number, last: number): boolean {
    if (Number.isNaN(last)) return false;
    const up = (type === 'STOP_LOSS_LIMIT') === (side === Side.buy);
    return up ? last >= stopPrice : last <= stopPrice;
  }

  private reserve(key: string, side: Side, qty: number, ref: number): void {
    if (side === Side.buy) {
      const q = this.balance(key, this.o.quote);
      if (!(ref * qty <= q.free)) throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
      q.free = dec8(q.free - (ref * qty));
      q.locked = dec8(q.locked + (ref * qty));
    } else {
      const b = this.balance(key, this.o.base);
      if (!(qty <= b.free)) throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
      b.free = dec8(b.free - (qty));
      b.locked = dec8(b.locked + (qty));
    }
  }

  private triggerStops(price: number): void {
    for (let k = 0; k < this.stops.length; k++) {
      const r = this.stops[k];
      if (!this.triggers(r.type, r.side, r.stopPrice, price)) continue;
      this.stops.splice(k--, 1);
      r.working = true;
      this.onReport(r, 'NEW');
      this.toBook(r);
    }
  }

  /** Hands an order to the matching engine; it acts on the book at once (no latency inside the exchange). */
  private toBook(r: SpotOrder): void {
    const snap: OrderSnapshot = {
      id: String(r.orderId), instrumentId: this.instrument.id, side: r.side, type: r.type === 'MARKET' ? OrderType.market : OrderType.limit,
      tif: r.timeInForce === 'IOC' ? TimeInForce.IOC : r.timeInForce === 'FOK' ? TimeInForce.FOK : TimeInForce.GTC,
      postOnly: r.type === 'LIMIT_MAKER', reduceOnly: false, qty: r.qty, price: r.price, stopPrice: Number.NaN, createdTs: this.clock.now(),
    };
    this.venue.submit(snap);
    this.settle();
  }

  private settle(): void {
    const now = this.clock.now();
    this.venue.sync(now, now);
  }

  private onVenueEvent(e: VenueEvent): void {
    const r = this.orders.get(Number(e.orderId))!;
    if (e.kind === 'fill') this.filled(r, e.price, e.qty, e.fee, e.liquidity === Liquidity.maker);
    else if (e.kind === 'cancelled') this.end(r, 'CANCELED');
    else if (e.kind === 'expired') this.end(r, 'EXPIRED');
    else if (e.kind === 'rejected') this.end(r, 'REJECTED');
  }

  private filled(r: SpotOrder, price: number, qty: number, fee: number, isMaker: boolean): void {
    r.executed += qty;
    r.cumQuote += price * qty;
    const base = this.balance(r.apiKey, this.o.base);
    const quote = this.balance(r.apiKey, this.o.quote);
    // A commission in another asset comes out of that asset's balance, at its price.
    const other = this.o.feeAsset;
    const commission = other ? dec8(fee / other.price) : fee;
    const quoteFee = other ? 0 : fee;
    if (other) {
      const b = this.balance(r.apiKey, other.asset);
      b.free = dec8(b.free - commission);
    }
    if (r.side === Side.buy) {
      const reserved = r.reservePrice * qty;
      quote.locked = dec8(quote.locked - (reserved));
      quote.free = dec8(quote.free + (reserved - price * qty - quoteFee));
      base.free = dec8(base.free + (qty));
    } else {
      base.locked = dec8(base.locked - (qty));
      quote.free = dec8(quote.free + (price * qty - quoteFee));
    }
    r.fills.push({ price: String(price), qty: String(qty), commission: String(commission), commissionAsset: this.commissionAsset, tradeId: this.nextTradeId++, time: Date.now(), isMaker });
    r.status = r.executed >= r.qty - 1e-12 ? 'FILLED' : 'PARTIALLY_FILLED';
    this.onReport(r, 'TRADE', qty, price, commission);
  }

  /** The asset commissions are charged in. */
  get commissionAsset(): string {
    return this.o.feeAsset?.asset ?? this.o.quote;
  }

  /** Ends an order, returning what it still had reserved. */
  private end(r: SpotOrder, status: string): void {
    r.status = status;
    const left = r.qty - r.executed;
    if (left > 0) {
      const b = this.balance(r.apiKey, r.side === Side.buy ? this.o.quote : this.o.base);
      const held = r.side === Side.buy ? r.reservePrice * left : left;
      b.locked = dec8(b.locked - (held));
      b.free = dec8(b.free + (held));
    }
    this.onReport(r, status === 'CANCELED' ? 'CANCELED' : status === 'EXPIRED' ? 'EXPIRED' : 'REJECTED');
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BookDeltaView, TradeView } from '../../core/events.ts';
import type { Liquidity } from '../../core/fill.ts';
import { defineInstrument, type Instrument } from '../../core/instrument.ts';
import { OrderStatus, OrderType, Side, TimeInForce, type Order } from '../../core/order.ts';
import { SimClock } from '../../engine/sim-clock.ts';
import { Portfolio } from '../../engine/portfolio.ts';
import { makerTakerFee } from '../../sim/fee-model.ts';
import { L2Venue } from '../../sim/l2-venue.ts';
import { checkSignature } from './binance-auth.ts';
import { BinanceStreams } from './binance-streams.ts';
import { KlineStreams } from './klines.ts';
import { UserDataStreams } from './user-data-streams.ts';

/** Options of the loopback exchange. */
export interface LoopbackOptions {
  /** Binance symbol, e.g. BTCUSDT, with its base and quote assets. */
  symbol: string;
  base: string;
  quote: string;
  tickSize: number;
  stepSize: number;
  /** API key → secret. */
  keys: ReadonlyMap<string, string>;
  /** Starting balances per API key (asset → amount). */
  balances: Readonly<Record<string, number>>;
  /** Taker fee rate (maker pays `makerFee`); Binance's default 0.1%. */
  takerFee?: number;
  makerFee?: number;
}

interface OrderRecord {
  order: Order;
  orderId: number;
  clientOrderId: string;
  apiKey: string;
  executed: number;
  cumQuote: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string }[];
  status: string;
  time: number;
  /** Quote reserved per unit for a buy (its limit, or the best ask when a market order arrived). */
  reservePrice: number;
}

const STATUS: Record<string, string> = {
  [OrderStatus.accepted]: 'NEW', [OrderStatus.partiallyFilled]: 'PARTIALLY_FILLED', [OrderStatus.filled]: 'FILLED', [OrderStatus.cancelled]: 'CANCELED',
  [OrderStatus.rejected]: 'REJECTED', [OrderStatus.expired]: 'EXPIRED', [OrderStatus.triggered]: 'NEW',
};

class HttpError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) {
    super(msg);
  }
}

/**
 * A local exchange speaking the subset of Binance's spot REST API that ccxt uses, on
 * 127.0.0.1: exchange info, depth, trades, book ticker, time, and signed account / order
 * endpoints (API keys and HMAC signatures checked). Its market is a replayed dataset fed
 * through `onDelta` / `onTrade`; orders match in the simulated L2 venue against it.
 */
export class LoopbackExchange {
  readonly instrument: Instrument;
  private readonly clock = new SimClock();
  private readonly venue: L2Venue;
  private readonly orders = new Map<number, OrderRecord>();
  private readonly byOrder = new Map<Order, OrderRecord>();
  private readonly balances = new Map<string, Map<string, { free: number; locked: number }>>();
  private readonly trades: { id: number; price: number; qty: number; time: number; buyerMaker: boolean }[] = [];
  private nextId = 1;
  /** User-data subscribers per API key. */
  private readonly userData = new UserDataStreams();
  private tradeSeq = 0;
  private readonly klines: KlineStreams;
  private updateId = 1;
  private server: Server | null = null;
  /** Websocket market streams (after listen()). */
  streams: BinanceStreams | null = null;
  private pendingBids: string[][] = [];
  private pendingAsks: string[][] = [];
  /** REST depth snapshots served (tests: resynchronization). */
  depthSnapshots = 0;
  /** When true the next depth update skips an update id (tests: a sequence gap). */
  skipNextUpdateId = false;

  constructor(private readonly o: LoopbackOptions) {
    this.klines = new KlineStreams(o.symbol);
    this.instrument = defineInstrument({ symbol: o.symbol, venue: 'LOOPBACK', tickSize: o.tickSize, lotSize: o.stepSize });
    this.venue = new L2Venue({ instruments: [this.instrument], clock: this.clock, fees: makerTakerFee(o.makerFee ?? 0.001, o.takerFee ?? 0.001) });
    this.venue.bind({ fillReceived: (ord, p, q, fee, liq) => this.filled(ord, p, q, fee, liq), statusChanged: (ord, st) => this.statusOf(ord, st) }, new Portfolio([this.instrument], 0));
    for (const key of o.keys.keys()) {
      this.balances.set(key, new Map(Object.entries(o.balances).map(([a, v]) => [a, { free: v, locked: 0 }])));
    }
  }

  /** The exchange's book (read-only use). */
  book(): import('../../book/l2-book.ts').L2Book {
    return this.venue.book(0);
  }

  /** Exchange time (µs): the replayed market's. */
  /** Client order ids of every order the exchange has seen, or only the resting ones (any API key). */
  clientOrderIds(resting = false): string[] {
    return [...this.orders.values()].filter((r) => !resting || r.status === 'NEW' || r.status === 'PARTIALLY_FILLED').map((r) => r.clientOrderId);
  }

  now(): number {
    return this.clock.now();
  }

  /** Feeds one market book delta (exchange time drives the exchange clock). */
  onDelta(d: BookDeltaView): void {
    this.clock.advanceTo(Math.max(this.clock.now(), d.ts), () => {});
    this.venue.onBookDelta({ ...d, tsLocal: d.ts });
    (d.side === 1 ? this.pendingBids : this.pendingAsks).push([String(d.price), String(d.qty)]);
    if (!d.last) return;
    if (this.skipNextUpdateId) {
      this.skipNextUpdateId = false;
      this.updateId++;
    }
    const first = this.updateId + 1;
    this.updateId++;
    const stream = `${this.o.symbol.toLowerCase()}@depth@100ms`;
    this.streams?.publish(stream, { e: 'depthUpdate', E: Math.floor(d.ts / 1000), s: this.o.symbol, U: first, u: this.updateId, b: this.pendingBids, a: this.pendingAsks });
    this.pendingBids = [];
    this.pendingAsks = [];
    const book = this.venue.book(0);
    this.streams?.publish(`${this.o.symbol.toLowerCase()}@bookTicker`, {
      u: this.updateId, s: this.o.symbol, b: String(book.bestBid()), B: String(book.bids.bestSize()), a: String(book.bestAsk()), A: String(book.asks.bestSize()),
    });
  }

  /** Feeds one market trade. */
  onTrade(t: TradeView): void {
    this.clock.advanceTo(Math.max(this.clock.now(), t.ts), () => {});
    this.venue.onTrade({ ...t, tsLocal: t.ts });
    const tr = { id: ++this.tradeSeq, price: t.price, qty: t.qty, time: Math.floor(t.ts / 1000), buyerMaker: t.aggressor === -1 };
    this.trades.push(tr);
    if (this.trades.length > 1000) this.trades.shift();
    this.streams?.publish(`${this.o.symbol.toLowerCase()}@trade`, {
      e: 'trade', E: tr.time, s: this.o.symbol, t: tr.id, p: String(tr.price), q: String(tr.qty), T: tr.time, m: tr.buyerMaker, M: true,
    });
    this.klines.onTrade(tr.time, tr.price, tr.qty, (stream, event) => this.streams?.publish(stream, event));
  }

  /** Starts the HTTP API on 127.0.0.1; returns the base URL. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.streams = new BinanceStreams(this.server);
    this.streams.onRpc = (ws, method, params) => this.rpc(ws, method, params);
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.streams?.close();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private balance(key: string, asset: string): { free: number; locked: number } {
    const b = this.balances.get(key)!;
    let x = b.get(asset);
    if (!x) b.set(asset, (x = { free: 0, locked: 0 }));
    return x;
  }

  /** WebSocket API: user-data subscription by signature (what ccxt.pro uses for spot watchOrders). */
  private rpc(ws: import('ws').WebSocket, method: string, params: Record<string, unknown>): unknown {
    if (method !== 'userDataStream.subscribe.signature') throw Object.assign(new Error(`unknown method ${method}`), { code: -1000 });
    const entries = Object.entries(params).filter(([k]) => k !== 'signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const query = [...entries.map(([k, v]) => `${k}=${String(v)}`), `signature=${String(params.signature ?? '')}`].join('&');
    const a = checkSignature(this.o.keys, params.apiKey as string | undefined, query, '', Date.now());
    if (!a.ok) throw Object.assign(new Error(a.msg), { code: a.code });
    return { subscriptionId: this.userData.subscribe(ws, a.apiKey) };
  }

  /** Pushes an executionReport to the order owner's user-data subscribers. */
  private report(r: OrderRecord, execType: string, lastQty = 0, lastPrice = 0, commission = 0): void {
    if (!this.userData.has(r.apiKey)) return;
    const v = this.view(r) as Record<string, string | number | boolean>;
    const now = Date.now();
    const event = {
      e: 'executionReport', E: now, s: this.o.symbol, c: r.clientOrderId, S: v.side, o: v.type, f: v.timeInForce, q: v.origQty, p: v.price, P: '0.00000000',
      F: '0.00000000', g: -1, C: '', x: execType, X: r.status, r: 'NONE', i: r.orderId, l: String(lastQty), z: String(r.executed), L: String(lastPrice),
      n: String(commission), N: commission ? this.o.quote : null, T: now, t: execType === 'TRADE' ? ++this.tradeSeq : -1, I: now, w: v.isWorking,
      m: r.order.type !== OrderType.market, M: false, O: r.time, Z: String(r.cumQuote), Y: String(lastQty * lastPrice), Q: '0.00000000',
    };
    this.userData.send(r.apiKey, event);
  }

  private filled(ord: Order, price: number, qty: number, fee: number, _liq: Liquidity): void {
    const r = this.byOrder.get(ord)!;
    r.executed += qty;
    r.cumQuote += price * qty;
    ord.filledQty = r.executed;
    const base = this.balance(r.apiKey, this.o.base);
    const quote = this.balance(r.apiKey, this.o.quote);
    if (ord.side === Side.buy) {
      const reserved = r.reservePrice * qty;
      quote.locked -= reserved;
      quote.free += reserved - price * qty - fee;
      base.free += qty;
    } else {
      base.locked -= qty;
      quote.free += price * qty - fee;
    }
    r.fills.push({ price: String(price), qty: String(qty), commission: String(fee), commissionAsset: this.o.quote });
    r.status = r.executed >= ord.qty - 1e-12 ? 'FILLED' : 'PARTIALLY_FILLED';
    ord.status = r.status === 'FILLED' ? OrderStatus.filled : OrderStatus.partiallyFilled;
    this.report(r, 'TRADE', qty, price, fee);
  }

  private statusOf(ord: Order, st: OrderStatus): void {
    const r = this.byOrder.get(ord)!;
    ord.status = st;
    r.status = STATUS[st];
    if (st === OrderStatus.cancelled || st === OrderStatus.rejected || st === OrderStatus.expired) this.release(r);
    this.report(r, st === OrderStatus.cancelled ? 'CANCELED' : st === OrderStatus.rejected ? 'REJECTED' : st === OrderStatus.expired ? 'EXPIRED' : 'NEW');
  }

  /** Returns what a finished order still had locked. */
  private release(r: OrderRecord): void {
    const left = r.order.qty - r.executed;
    if (left <= 0) return;
    if (r.order.side === Side.buy) {
      const q = this.balance(r.apiKey, this.o.quote);
      const reserved = r.reservePrice * left;
      q.locked -= reserved;
      q.free += reserved;
    } else {
      const b = this.balance(r.apiKey, this.o.base);
      b.locked -= left;
      b.free += left;
    }
  }

  private view(r: OrderRecord, full = false): Record<string, unknown> {
    return {
      symbol: this.o.symbol, orderId: r.orderId, orderListId: -1, clientOrderId: r.clientOrderId, transactTime: r.time, time: r.time, updateTime: r.time,
      price: Number.isFinite(r.order.price) ? String(r.order.price) : '0.00000000', origQty: String(r.order.qty), executedQty: String(r.executed),
      cummulativeQuoteQty: String(r.cumQuote), status: r.status, timeInForce: r.order.tif === TimeInForce.IOC ? 'IOC' : r.order.tif === TimeInForce.FOK ? 'FOK' : 'GTC',
      type: r.order.type === OrderType.market ? 'MARKET' : r.order.postOnly ? 'LIMIT_MAKER' : 'LIMIT', side: r.order.side === Side.buy ? 'BUY' : 'SELL',
      isWorking: r.status === 'NEW' || r.status === 'PARTIALLY_FILLED', ...(full ? { fills: r.fills } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString();
      const p = new URLSearchParams([url.search.slice(1), body].filter(Boolean).join('&'));
      const route = `${req.method} ${url.pathname}`;
      const signed = (): string => {
        const a = checkSignature(this.o.keys, req.headers['x-mbx-apikey'] as string | undefined, url.search.slice(1), body, Date.now());
        if (!a.ok) throw new HttpError(a.code === -2015 ? 401 : 400, a.code, a.msg);
        return a.apiKey;
      };
      send(200, this.route(route, p, signed));
    } catch (e) {
      if (e instanceof HttpError) send(e.status, { code: e.code, msg: e.message });
      else send(500, { code: -1000, msg: (e as Error).message });
    }
  }

  private route(route: string, p: URLSearchParams, signed: () => string): unknown {
    const book = this.venue.book(0);
    switch (route) {
      case 'GET /api/v3/ping': return {};
      case 'GET /api/v3/time': return { serverTime: Date.now() };
      case 'GET /api/v3/exchangeInfo': return this.exchangeInfo();
      case 'GET /api/v3/depth': {
        this.depthSnapshots++;
        const n = Number(p.get('limit') ?? 100);
        const fmt = (side: 1 | -1) => book.top(side, n).map(([px, q]) => [String(px), String(q)]);
        return { lastUpdateId: this.updateId, bids: fmt(1), asks: fmt(-1) };
      }
      case 'GET /api/v3/trades':
        return this.trades.slice(-Number(p.get('limit') ?? 500)).map((t) => ({ id: t.id, price: String(t.price), qty: String(t.qty), quoteQty: String(t.price * t.qty), time: t.time, isBuyerMaker: t.buyerMaker, isBestMatch: true }));
      case 'GET /api/v3/ticker/bookTicker':
        return { symbol: this.o.symbol, bidPrice: String(book.bestBid()), bidQty: String(book.bids.bestSize()), askPrice: String(book.bestAsk()), askQty: String(book.asks.bestSize()) };
      case 'GET /api/v3/ticker/24hr': {
        const last = this.trades.at(-1)?.price ?? book.mid();
        const now = Date.now();
        return {
          symbol: this.o.symbol, lastPrice: String(last), bidPrice: String(book.bestBid()), bidQty: String(book.bids.bestSize()), askPrice: String(book.bestAsk()),
          askQty: String(book.asks.bestSize()), openPrice: String(last), highPrice: String(last), lowPrice: String(last), volume: '0', quoteVolume: '0',
          priceChange: '0', priceChangePercent: '0', weightedAvgPrice: String(last), openTime: now - 86_400_000, closeTime: now, count: this.trades.length,
        };
      }
      case 'GET /api/v3/account': {
        const key = signed();
        return { makerCommission: 10, takerCommission: 10, canTrade: true, canWithdraw: false, canDeposit: false, updateTime: Date.now(), accountType: 'SPOT', permissions: ['SPOT'],
          balances: [...this.balances.get(key)!].map(([asset, b]) => ({ asset, free: b.free.toFixed(8), locked: b.locked.toFixed(8) })) };
      }
      case 'POST /api/v3/order': return this.place(signed(), p);
      case 'POST /api/v3/order/cancelReplace': {
        // STOP_ON_FAILURE: cancel the old order, then place the new one.
        const key = signed();
        const old = new URLSearchParams(p);
        if (p.get('cancelOrderId')) old.set('orderId', p.get('cancelOrderId')!);
        if (p.get('cancelOrigClientOrderId')) old.set('origClientOrderId', p.get('cancelOrigClientOrderId')!);
        const cancelResponse = this.cancel(key, old);
        const fresh = new URLSearchParams(p);
        fresh.delete('newClientOrderId');
        if (p.get('newClientOrderId')) fresh.set('newClientOrderId', p.get('newClientOrderId')!);
        const newOrderResponse = this.place(key, fresh);
        return { cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse, newOrderResponse };
      }
      case 'DELETE /api/v3/order': return this.cancel(signed(), p);
      case 'GET /api/v3/order': return this.view(this.find(signed(), p));
      case 'GET /api/v3/openOrders': {
        const key = signed();
        return [...this.orders.values()].filter((r) => r.apiKey === key && (r.status === 'NEW' || r.status === 'PARTIALLY_FILLED')).map((r) => this.view(r));
      }
      default: throw new HttpError(404, -1000, `unknown endpoint ${route}`);
    }
  }

  private find(key: string, p: URLSearchParams): OrderRecord {
    const id = p.get('orderId');
    const cid = p.get('origClientOrderId');
    const r = id !== null ? this.orders.get(Number(id)) : [...this.orders.values()].find((x) => x.clientOrderId === cid);
    if (!r || r.apiKey !== key) throw new HttpError(400, -2013, 'Order does not exist.');
    return r;
  }

  private place(key: string, p: URLSearchParams): unknown {
    if (p.get('symbol') !== this.o.symbol) throw new HttpError(400, -1121, 'Invalid symbol.');
    const side = p.get('side') === 'BUY' ? Side.buy : p.get('side') === 'SELL' ? Side.sell : null;
    const typeText = p.get('type');
    const qty = Number(p.get('quantity'));
    if (!side || !(qty > 0)) throw new HttpError(400, -1102, 'Mandatory parameter side/quantity was not sent or malformed.');
    const market = typeText === 'MARKET';
    const price = market ? Number.NaN : Number(p.get('price'));
    if (!market && !(price > 0)) throw new HttpError(400, -1102, "Mandatory parameter 'price' was not sent.");
    const clientOrderId = p.get('newClientOrderId') ?? `loopback-${this.nextId}`;
    if ([...this.orders.values()].some((r) => r.apiKey === key && r.clientOrderId === clientOrderId && (r.status === 'NEW' || r.status === 'PARTIALLY_FILLED'))) {
      throw new HttpError(400, -2010, 'Duplicate order sent.');
    }
    // Reserve funds like Binance does.
    const ref = market ? (side === Side.buy ? this.venue.book(0).bestAsk() : this.venue.book(0).bestBid()) : price;
    if (side === Side.buy) {
      const q = this.balance(key, this.o.quote);
      if (!(ref * qty <= q.free)) throw new HttpError(400, -2010, 'Account has insufficient balance for requested action.');
      q.free -= ref * qty;
      q.locked += ref * qty;
    } else {
      const b = this.balance(key, this.o.base);
      if (!(qty <= b.free)) throw new HttpError(400, -2010, 'Account has insufficient balance for requested action.');
      b.free -= qty;
      b.locked += qty;
    }
    const tif = p.get('timeInForce');
    const now = this.clock.now();
    const order: Order = {
      id: String(this.nextId), instrumentId: this.instrument.id, side, type: market ? OrderType.market : OrderType.limit,
      tif: tif === 'IOC' ? TimeInForce.IOC : tif === 'FOK' ? TimeInForce.FOK : TimeInForce.GTC, postOnly: typeText === 'LIMIT_MAKER', reduceOnly: false,
      qty, price, stopPrice: Number.NaN, status: OrderStatus.accepted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: now, updatedTs: now,
      reason: undefined, tag: undefined,
    };
    const r: OrderRecord = { order, orderId: this.nextId++, clientOrderId, apiKey: key, executed: 0, cumQuote: 0, fills: [], status: 'NEW', time: Date.now(), reservePrice: ref };
    this.orders.set(r.orderId, r);
    this.byOrder.set(order, r);
    this.report(r, 'NEW');
    this.venue.submit(order);
    this.venue.sync(now, now); // the order acts on the book at once (no latency inside the exchange)
    if (market && r.status === 'NEW') r.status = 'EXPIRED';
    return this.view(r, true);
  }

  private cancel(key: string, p: URLSearchParams): unknown {
    const r = this.find(key, p);
    if (r.status !== 'NEW' && r.status !== 'PARTIALLY_FILLED') throw new HttpError(400, -2011, 'Unknown order sent.');
    this.venue.cancel(r.order);
    const now = this.clock.now();
    this.venue.sync(now, now);
    return this.view(r);
  }

  private exchangeInfo(): unknown {
    const dec = (x: number) => x.toFixed(8);
    return {
      timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [],
      symbols: [{
        symbol: this.o.symbol, status: 'TRADING', baseAsset: this.o.base, baseAssetPrecision: 8, quoteAsset: this.o.quote, quotePrecision: 8, quoteAssetPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'], icebergAllowed: false, ocoAllowed: false, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
        permissions: ['SPOT'], permissionSets: [['SPOT']],
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: dec(this.o.tickSize), maxPrice: '1000000.00000000', tickSize: dec(this.o.tickSize) },
          { filterType: 'LOT_SIZE', minQty: dec(this.o.stepSize), maxQty: '9000.00000000', stepSize: dec(this.o.stepSize) },
        ],
      }],
    };
  }
}

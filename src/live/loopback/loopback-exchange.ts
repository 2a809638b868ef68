import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BookDeltaView, TradeView } from '../../core/events.ts';
import { defineInstrument, type Instrument } from '../../core/instrument.ts';
import { Side } from '../../core/order.ts';
import { checkSignature } from './binance-auth.ts';
import type { BinanceStreams } from './binance-streams.ts';
import { readBody } from './http-body.ts';
import { KlineStreams } from './klines.ts';
import { HISTORY_ROUTES, HistoryRoutes, type HistoryArchive } from './history-archive.ts';
import { UserDataStreams } from './user-data-streams.ts';
import { BinanceError, SPOT_ORDER_TYPES, SpotOrders, type FeeAsset, type SpotOrder } from './spot-orders.ts';

/** Signed REST routes (the API key header is checked before the body is read). */
const SIGNED = new Set([
  'GET /api/v3/account', 'POST /api/v3/order', 'POST /api/v3/order/cancelReplace', 'DELETE /api/v3/order', 'DELETE /api/v3/openOrders',
  'GET /api/v3/order', 'GET /api/v3/openOrders', 'GET /api/v3/myTrades',
]);
/** Every REST route the loopback serves. */
const ROUTES = new Set([
  ...SIGNED, 'GET /api/v3/ping', 'GET /api/v3/time', 'GET /api/v3/exchangeInfo', 'GET /api/v3/depth', 'GET /api/v3/klines', 'GET /api/v3/trades',
  'GET /api/v3/ticker/bookTicker', 'GET /api/v3/ticker/24hr', ...HISTORY_ROUTES,
]);

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
  /** Commissions charged in this asset at this price in quote units (Binance's BNB discount; default: in the quote). */
  feeAsset?: FeeAsset;
  /** NOTIONAL filter: smallest order value in quote currency (default 0: none). */
  minNotional?: number;
  /** Recorded history served by the REST history endpoints (klines then come from it too). */
  history?: HistoryArchive;
}

/**
 * A local exchange speaking the subset of Binance's spot REST API that ccxt uses, on
 * 127.0.0.1: exchange info, depth, trades, book ticker, time, and signed account / order
 * endpoints (API keys and HMAC signatures checked). Its market is a replayed dataset fed
 * through `onDelta` / `onTrade`; orders match in the simulated L2 venue against it.
 */
export class LoopbackExchange {
  readonly instrument: Instrument;
  /** Orders and balances (the exchange's own record). */
  readonly spot: SpotOrders;
  private readonly trades: { id: number; price: number; qty: number; time: number; buyerMaker: boolean }[] = [];
  /** User-data subscribers per API key. */
  private readonly userData = new UserDataStreams();
  private tradeSeq = 0;
  private readonly klines: KlineStreams;
  private readonly history: HistoryRoutes | null;
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
    this.history = o.history ? new HistoryRoutes(o.history, o.symbol, () => this.exchangeInfo() as Record<string, unknown>) : null;
    this.instrument = defineInstrument({ symbol: o.symbol, venue: 'LOOPBACK', tickSize: o.tickSize, lotSize: o.stepSize });
    this.spot = new SpotOrders({
      symbol: o.symbol, base: o.base, quote: o.quote, tickSize: o.tickSize, stepSize: o.stepSize, minNotional: o.minNotional ?? 0,
      balances: o.balances, keys: o.keys.keys(), makerFee: o.makerFee ?? 0.001, takerFee: o.takerFee ?? 0.001, ...(o.feeAsset ? { feeAsset: o.feeAsset } : {}),
    }, this.instrument, (r, x, q, p, c) => this.report(r, x, q, p, c));
  }

  /** The exchange's book (read-only use). */
  book(): import('../../book/l2-book.ts').L2Book {
    return this.spot.book();
  }

  /** Client order ids of every order the exchange has seen, or only the resting ones (any API key). */
  clientOrderIds(resting = false): string[] {
    return this.spot.all().filter((r) => !resting || r.status === 'NEW' || r.status === 'PARTIALLY_FILLED').map((r) => r.clientOrderId);
  }

  /** Exchange time (µs): the replayed market's. */
  now(): number {
    return this.spot.now();
  }

  /** Feeds one market book delta (exchange time drives the exchange clock). */
  onDelta(d: BookDeltaView): void {
    this.spot.onDelta(d);
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
    const book = this.spot.book();
    this.streams?.publish(`${this.o.symbol.toLowerCase()}@bookTicker`, {
      u: this.updateId, s: this.o.symbol, b: String(book.bestBid()), B: String(book.bids.bestSize()), a: String(book.bestAsk()), A: String(book.asks.bestSize()),
    });
  }

  /** Feeds one market trade. */
  onTrade(t: TradeView): void {
    this.spot.onTrade(t);
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
    // Loaded here: importing Lockstep does not load the websocket server.
    const { BinanceStreams } = await import('./binance-streams.ts');
    this.streams = new BinanceStreams(this.server);
    this.streams.onRpc = (ws, method, params) => this.rpc(ws, method, params);
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.streams?.close();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
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
  private report(r: SpotOrder, execType: string, lastQty = 0, lastPrice = 0, commission = 0): void {
    if (!this.userData.has(r.apiKey)) return;
    const v = this.view(r);
    const now = Date.now();
    const event = {
      e: 'executionReport', E: now, s: this.o.symbol, c: r.clientOrderId, S: v.side, o: v.type, f: v.timeInForce, q: v.origQty, p: v.price, P: v.stopPrice,
      F: '0.00000000', g: -1, C: '', x: execType, X: r.status, r: 'NONE', i: r.orderId, l: String(lastQty), z: String(r.executed), L: String(lastPrice),
      n: String(commission), N: commission ? this.spot.commissionAsset : null, T: now, t: execType === 'TRADE' ? r.fills[r.fills.length - 1].tradeId : -1, I: now, w: r.working,
      m: r.type !== 'MARKET', M: false, O: r.time, Z: String(r.cumQuote), Y: String(lastQty * lastPrice), Q: '0.00000000',
    };
    this.userData.send(r.apiKey, event);
  }

  /** An order as Binance's REST API shows it. */
  private view(r: SpotOrder, full = false): Record<string, string | number | boolean | unknown[]> {
    return {
      symbol: this.o.symbol, orderId: r.orderId, orderListId: -1, clientOrderId: r.clientOrderId, transactTime: r.time, time: r.time, updateTime: r.time,
      price: Number.isFinite(r.price) ? String(r.price) : '0.00000000', origQty: String(r.qty), executedQty: String(r.executed),
      cummulativeQuoteQty: String(r.cumQuote), status: r.status, timeInForce: r.timeInForce, type: r.type, side: r.side === Side.buy ? 'BUY' : 'SELL',
      stopPrice: Number.isFinite(r.stopPrice) ? String(r.stopPrice) : '0.00000000', isWorking: r.working && (r.status === 'NEW' || r.status === 'PARTIALLY_FILLED'),
      ...(full ? { fills: r.fills.map((f) => ({ price: f.price, qty: f.qty, commission: f.commission, commissionAsset: f.commissionAsset, tradeId: f.tradeId })) } : {}),
    };
  }

  /**
   * One REST request. Before a byte of the body is read: the route must exist and a signed
   * route must carry a known API key (so an unauthenticated upload costs nothing); the body
   * is then read up to `MAX_BODY_BYTES`. A request refused before its body was read closes
   * the connection.
   */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, close = false) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
      res.end(JSON.stringify(body));
    };
    let bodyRead = false;
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const route = `${req.method} ${url.pathname}`;
      const apiKey = req.headers['x-mbx-apikey'] as string | undefined;
      if (!ROUTES.has(route)) throw new BinanceError(404, -1000, `unknown endpoint ${route}`);
      if (SIGNED.has(route) && (!apiKey || !this.o.keys.has(apiKey))) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
      const body = await readBody(req);
      bodyRead = true;
      const p = new URLSearchParams([url.search.slice(1), body].filter(Boolean).join('&'));
      const signed = (): string => {
        const a = checkSignature(this.o.keys, apiKey, url.search.slice(1), body, Date.now());
        if (!a.ok) throw new BinanceError(a.code === -2015 ? 401 : 400, a.code, a.msg);
        return a.apiKey;
      };
      const history = this.history && ((HISTORY_ROUTES as readonly string[]).includes(route) || route === 'GET /api/v3/klines');
      if (HISTORY_ROUTES.some((r) => r === route) && !this.history) throw new BinanceError(404, -1000, `${route}: this loopback serves no recorded history`);
      if (history) send(200, await this.history!.answer(route, p));
      else send(200, this.route(route, p, signed));
    } catch (e) {
      if (e instanceof BinanceError) send(e.status, { code: e.code, msg: e.message }, !bodyRead);
      else send(500, { code: -1000, msg: (e as Error).message });
    }
  }

  private route(route: string, p: URLSearchParams, signed: () => string): unknown {
    const book = this.spot.book();
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
      case 'GET /api/v3/klines': {
        const num = (k: string) => (p.get(k) === null ? undefined : Number(p.get(k)));
        try {
          return this.klines.rest(p.get('interval') ?? '', num('limit'), num('startTime'), num('endTime'));
        } catch (e) {
          throw new BinanceError(400, -1120, `Invalid interval: ${(e as Error).message}`);
        }
      }
      case 'GET /api/v3/trades':
        return this.trades.slice(-Number(p.get('limit') ?? 500)).map((t) => ({ id: t.id, price: String(t.price), qty: String(t.qty), quoteQty: String(t.price * t.qty), time: t.time, isBuyerMaker: t.buyerMaker, isBestMatch: true }));
      case 'GET /api/v3/ticker/bookTicker':
        if (this.isFeeMarket(p)) return this.feeTicker(false);
        return { symbol: this.o.symbol, bidPrice: String(book.bestBid()), bidQty: String(book.bids.bestSize()), askPrice: String(book.bestAsk()), askQty: String(book.asks.bestSize()) };
      case 'GET /api/v3/ticker/24hr': {
        if (this.isFeeMarket(p)) return this.feeTicker(true);
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
          balances: this.spot.balancesOf(key).map(([asset, b]) => ({ asset, free: b.free.toFixed(8), locked: b.locked.toFixed(8) })) };
      }
      case 'POST /api/v3/order': return this.view(this.spot.place(signed(), p), true);
      case 'POST /api/v3/order/cancelReplace': {
        // STOP_ON_FAILURE: cancel the old order, then place the new one.
        const key = signed();
        const old = new URLSearchParams(p);
        if (p.get('cancelOrderId')) old.set('orderId', p.get('cancelOrderId')!);
        if (p.get('cancelOrigClientOrderId')) old.set('origClientOrderId', p.get('cancelOrigClientOrderId')!);
        const cancelResponse = this.view(this.spot.cancel(key, old));
        const fresh = new URLSearchParams(p);
        fresh.delete('newClientOrderId');
        if (p.get('newClientOrderId')) fresh.set('newClientOrderId', p.get('newClientOrderId')!);
        const newOrderResponse = this.view(this.spot.place(key, fresh), true);
        return { cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse, newOrderResponse };
      }
      case 'DELETE /api/v3/order': return this.view(this.spot.cancel(signed(), p));
      case 'DELETE /api/v3/openOrders': return this.spot.cancelAll(signed(), p).map((r) => this.view(r));
      case 'GET /api/v3/order': return this.view(this.spot.find(signed(), p));
      case 'GET /api/v3/openOrders': return this.spot.open(signed()).map((r) => this.view(r));
      case 'GET /api/v3/myTrades': return this.spot.myTrades(signed(), p);
      default: throw new BinanceError(404, -1000, `unknown endpoint ${route}`); // ROUTES lists every case above
    }
  }

  /** The market of the asset commissions are charged in (BNBUSDT), when they are not in the quote. */
  private get feeMarket(): string | null {
    return this.o.feeAsset ? `${this.o.feeAsset.asset}${this.o.quote}` : null;
  }

  /** True when a ticker request names the commission asset's market; a request for a market served nowhere here is refused as Binance does. */
  private isFeeMarket(p: URLSearchParams): boolean {
    const symbol = p.get('symbol');
    if (symbol !== null && symbol === this.feeMarket) return true;
    if (symbol !== null && symbol !== this.o.symbol) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return false;
  }

  /** The commission asset's market: its fixed price (feeAsset.price) as last, bid and ask. */
  private feeTicker(day: boolean): unknown {
    const px = String(this.o.feeAsset!.price);
    const book = { symbol: this.feeMarket, bidPrice: px, bidQty: '1', askPrice: px, askQty: '1' };
    if (!day) return book;
    const now = Date.now();
    return {
      ...book, lastPrice: px, openPrice: px, highPrice: px, lowPrice: px, volume: '0', quoteVolume: '0', priceChange: '0', priceChangePercent: '0',
      weightedAvgPrice: px, openTime: now - 86_400_000, closeTime: now, count: 0,
    };
  }

  private exchangeInfo(): unknown {
    const dec = (x: number) => x.toFixed(8);
    const fee = this.o.feeAsset;
    // The commission asset's market is listed for its price (tickers) only: not open for trading here.
    const feeMarket = fee ? [{ symbol: this.feeMarket, status: 'BREAK', baseAsset: fee.asset, baseAssetPrecision: 8, quoteAsset: this.o.quote, quotePrecision: 8, quoteAssetPrecision: 8,
      orderTypes: [], icebergAllowed: false, ocoAllowed: false, isSpotTradingAllowed: false, isMarginTradingAllowed: false, permissions: ['SPOT'], permissionSets: [['SPOT']], filters: [] }] : [];
    return {
      timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [],
      symbols: [{
        symbol: this.o.symbol, status: 'TRADING', baseAsset: this.o.base, baseAssetPrecision: 8, quoteAsset: this.o.quote, quotePrecision: 8, quoteAssetPrecision: 8,
        orderTypes: [...SPOT_ORDER_TYPES], icebergAllowed: false, ocoAllowed: false, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
        permissions: ['SPOT'], permissionSets: [['SPOT']],
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: dec(this.o.tickSize), maxPrice: '1000000.00000000', tickSize: dec(this.o.tickSize) },
          { filterType: 'LOT_SIZE', minQty: dec(this.o.stepSize), maxQty: '9000.00000000', stepSize: dec(this.o.stepSize) },
          { filterType: 'NOTIONAL', minNotional: dec(this.o.minNotional ?? 0), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
        ],
      }, ...feeMarket],
    };
  }
}

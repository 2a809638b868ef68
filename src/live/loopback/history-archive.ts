import { openBars } from '../../data/read-bars.ts';
import { readBinanceParquet } from '../../data/binance-files.ts';
import { BinanceError } from './spot-orders.ts';

/** A 1-minute candle (times in ms, as Binance). */
export interface ArchiveCandle { readonly t: number; readonly o: number; readonly h: number; readonly l: number; readonly c: number; readonly v: number }
/** An aggregate trade (Binance `aggTrades`). */
export interface ArchiveTrade { readonly id: number; readonly time: number; readonly price: number; readonly qty: number; readonly buyerMaker: boolean }
/** A funding event (Binance futures `fundingRate`). */
export interface ArchiveFunding { readonly time: number; readonly rate: number; readonly markPrice: number }

/**
 * Recorded history the loopback serves over Binance's REST history endpoints: spot
 * `aggTrades` and `klines` (the archive's candles replace the live ones), and for the
 * USDT-margined perpetual of the same id `fapi/v1/klines`, `aggTrades`, `markPriceKlines`
 * and `fundingRate` (the same trades and bars serve both markets). Gaps in `bars` are the
 * venue's own: missing minutes are simply not served, as an exchange does after an outage.
 */
export interface HistoryArchive {
  readonly bars: readonly ArchiveCandle[];
  readonly mark: readonly ArchiveCandle[];
  readonly trades: readonly ArchiveTrade[];
  readonly funding: readonly ArchiveFunding[];
  /** Answer delay per history request (tests: a download slow enough to kill mid-way). */
  readonly delayMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The history REST routes. */
export const HISTORY_ROUTES = ['GET /api/v3/aggTrades', 'GET /fapi/v1/aggTrades', 'GET /fapi/v1/exchangeInfo', 'GET /fapi/v1/klines', 'GET /fapi/v1/markPriceKlines', 'GET /fapi/v1/fundingRate'] as const;

/** First index with `key(list[i]) >= x` (list sorted by key). */
function lowerBound<T>(list: readonly T[], x: number, key: (v: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows of `list` in [start, end] by key, at most `limit`: the first ones from `start`, or without it the latest. */
function window<T>(list: readonly T[], key: (v: T) => number, limit: number, start?: number, end?: number): readonly T[] {
  const a = start === undefined ? 0 : lowerBound(list, start, key);
  const b = end === undefined ? list.length : lowerBound(list, end + 1, key);
  return start === undefined ? list.slice(Math.max(a, b - limit), b) : list.slice(a, Math.min(b, a + limit));
}

/** Binance's answers to the history endpoints over an archive. */
export class HistoryRoutes {
  constructor(private readonly a: HistoryArchive, private readonly symbol: string, private readonly exchangeInfo: () => Record<string, unknown>) {}

  async answer(route: string, p: URLSearchParams): Promise<unknown> {
    if (this.a.delayMs) await new Promise((r) => setTimeout(r, this.a.delayMs));
    const num = (k: string) => (p.get(k) === null ? undefined : Number(p.get(k)));
    const limit = (def: number, max: number) => Math.min(Math.max(1, num('limit') ?? def), max);
    if (route !== 'GET /fapi/v1/exchangeInfo' && p.get('symbol') !== this.symbol) throw new BinanceError(400, -1121, 'Invalid symbol.');
    switch (route) {
      case 'GET /api/v3/aggTrades':
      case 'GET /fapi/v1/aggTrades': return this.aggTrades(num('fromId'), num('startTime'), num('endTime'), limit(500, 1000));
      case 'GET /api/v3/klines': return this.klines(this.a.bars, p.get('interval'), limit(500, 1000), num('startTime'), num('endTime'));
      case 'GET /fapi/v1/klines': return this.klines(this.a.bars, p.get('interval'), limit(500, 1500), num('startTime'), num('endTime'));
      case 'GET /fapi/v1/markPriceKlines': return this.klines(this.a.mark, p.get('interval'), limit(500, 1500), num('startTime'), num('endTime'));
      case 'GET /fapi/v1/fundingRate':
        return window(this.a.funding, (f) => f.time, limit(100, 1000), num('startTime'), num('endTime'))
          .map((f) => ({ symbol: this.symbol, fundingTime: f.time, fundingRate: f.rate.toFixed(8), markPrice: String(f.markPrice) }));
      case 'GET /fapi/v1/exchangeInfo': return this.perpetualInfo();
      default: throw new BinanceError(404, -1000, `unknown endpoint ${route}`);
    }
  }

  private aggTrades(fromId: number | undefined, start: number | undefined, end: number | undefined, limit: number): unknown {
    if (start !== undefined && end !== undefined && end - start > HOUR) throw new BinanceError(400, -1127, 'More than 1 hours between startTime and endTime.');
    let rows: readonly ArchiveTrade[];
    if (fromId !== undefined) rows = window(this.a.trades, (t) => t.id, limit, fromId);
    else rows = window(this.a.trades, (t) => t.time, limit, start, end);
    return rows.map((t) => ({ a: t.id, p: String(t.price), q: String(t.qty), f: t.id, l: t.id, T: t.time, m: t.buyerMaker, M: true }));
  }

  private klines(list: readonly ArchiveCandle[], interval: string | null, limit: number, start?: number, end?: number): unknown {
    if (interval !== '1m') throw new BinanceError(400, -1120, `Invalid interval: the loopback's archive has 1m candles only (asked ${interval})`);
    return window(list, (c) => c.t, limit, start, end).map((c) => [c.t, String(c.o), String(c.h), String(c.l), String(c.c), String(c.v), c.t + MINUTE - 1, '0', 1, '0', '0', '0']);
  }

  /** `fapi/v1/exchangeInfo`: the spot symbol's filters, listed as a USDT-margined perpetual. */
  private perpetualInfo(): unknown {
    const spot = this.exchangeInfo() as { symbols: Record<string, unknown>[] };
    const s = spot.symbols[0];
    return {
      timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [], assets: [],
      symbols: [{
        symbol: s.symbol, pair: s.symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
        baseAsset: s.baseAsset, quoteAsset: s.quoteAsset, marginAsset: s.quoteAsset, pricePrecision: 2, quantityPrecision: 3, baseAssetPrecision: 8, quotePrecision: 8,
        underlyingType: 'COIN', underlyingSubType: [], triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05',
        orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET'], timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
        filters: (s.filters as { filterType: string }[]).filter((f) => f.filterType !== 'NOTIONAL'),
      }],
    };
  }
}

/**
 * An archive from recorded files: 1-minute bars (any bar file Lockstep reads) and Binance
 * trades (the trades Parquet sample; ids numbered from 1 in file order). Funding every 8 hours
 * and mark candles are derived from the bars (mark = the bar; rate = the 8-hour return / 100,
 * rounded to 1e-8), as a deterministic stand-in where no recording exists.
 */
export async function loadHistoryArchive(files: { bars?: string; trades?: string }, delayMs = 0): Promise<HistoryArchive> {
  const bars: ArchiveCandle[] = [];
  if (files.bars) {
    for await (const b of (await openBars(files.bars)).batches) {
      for (let i = 0; i < b.length; i++) bars.push({ t: b.ts[i] / 1000, o: b.open[i], h: b.high[i], l: b.low[i], c: b.close[i], v: b.volume[i] });
    }
  }
  const trades: ArchiveTrade[] = [];
  if (files.trades) {
    const tb = await readBinanceParquet(files.trades);
    if (tb.kind !== 'trades') throw new Error(`${files.trades} holds ${tb.kind}, not trades`);
    const x = tb.batch;
    for (let i = 0; i < x.length; i++) trades.push({ id: i + 1, time: Math.floor(x.ts[i] / 1000), price: x.price[i], qty: x.qty[i], buyerMaker: x.aggressor[i] === -1 });
  }
  const funding: ArchiveFunding[] = [];
  for (let i = 0, last: ArchiveCandle | null = null; i < bars.length; i++) {
    const c = bars[i];
    if (c.t % (8 * HOUR) !== 0) continue;
    if (last) funding.push({ time: c.t, rate: Math.round((c.o / last.o - 1) * 1e6) / 1e8, markPrice: c.o });
    last = c;
  }
  return { bars, mark: bars, trades, funding, delayMs };
}

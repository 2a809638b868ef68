import { barMicros, type CatalogKind } from '../data/catalog-kinds.ts';
import type { CatalogRows } from '../data/catalog.ts';
import { ConfigError } from '../core/errors.ts';

/** The ccxt calls a download uses (a ccxt exchange, markets loaded). */
export interface HistoryClient {
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<number[][]>;
  fetchTrades(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<{ id?: string; timestamp?: number; price: number; amount: number; side?: string }[]>;
  fetchFundingRateHistory(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<{ timestamp?: number; fundingRate: number }[]>;
}

/**
 * One page of history: rows with times in [from, next) (ms), the venue's gaps in that window
 * (fixed-interval kinds: the bars it did not send), and the cursor to ask from next.
 */
export interface Page {
  readonly rows: CatalogRows;
  readonly next: number;
  readonly gaps: ReadonlyArray<readonly [number, number]>;
}

/** Fetches the page starting at `from` (ms) of a window ending (exclusive) at `end`. */
export type Pager = (from: number, end: number) => Promise<Page>;

const PAGE = 1000;
const HOUR = 3_600_000;

function rowsOf(kind: CatalogKind, n: number, fill: (cols: Record<string, Float64Array>, i: number) => void, names: readonly string[]): CatalogRows {
  const columns: Record<string, Float64Array> = {};
  for (const c of names) columns[c] = new Float64Array(n);
  for (let i = 0; i < n; i++) fill(columns, i);
  const time = columns[names.includes('ts_local') ? 'ts_local' : 'timestamp'];
  return { kind, length: n, time, columns, micros: names.filter((c) => c === 'timestamp' || c.startsWith('ts_')) };
}

/** Pages of OHLCV bars (or mark-price bars): 1000 bars a request, missing bars recorded as gaps. */
function barPager(ex: HistoryClient, symbol: string, kind: CatalogKind): Pager {
  const tfMicros = barMicros(kind)!;
  const tf = kind.slice(kind.indexOf('-') + 1);
  const step = tfMicros / 1000;
  return async (from, end) => {
    const until = Math.min(from + PAGE * step, end) - 1;
    const got = (await ex.fetchOHLCV(symbol, tf, from, PAGE, { until, ...(kind.startsWith('mark-') ? { price: 'mark' } : {}) }))
      .filter((c) => c[0] >= from && c[0] <= until && (c[0] - from) % step === 0);
    const gaps: [number, number][] = [];
    let expect = from;
    for (const c of got) {
      if (c[0] > expect) gaps.push([expect, c[0]]);
      expect = c[0] + step;
    }
    if (expect <= until) gaps.push([expect, until + 1]);
    const rows = rowsOf(kind, got.length, (cols, i) => {
      const c = got[i];
      cols.timestamp[i] = c[0] * 1000; cols.open[i] = c[1]; cols.high[i] = c[2]; cols.low[i] = c[3]; cols.close[i] = c[4]; cols.volume[i] = c[5] ?? 0;
    }, ['timestamp', 'open', 'high', 'low', 'close', 'volume']);
    return { rows, next: until + 1, gaps };
  };
}

/**
 * Pages of trades. Binance-style venues answer a time window of at most an hour, then trade
 * ids from an id: a full page continues by id, and trades of the page's last millisecond are
 * left to the next page, so a page boundary never splits a millisecond (a resume from `next`
 * by time then neither repeats nor misses a trade).
 */
function tradePager(ex: HistoryClient, symbol: string): Pager {
  let fromId: string | undefined;
  let fromIdAt = -1;
  return async (from, end) => {
    const byId = fromId !== undefined && fromIdAt === from;
    const windowEnd = Math.min(from + HOUR, end);
    const got = byId ? await ex.fetchTrades(symbol, undefined, PAGE, { fromId }) : await ex.fetchTrades(symbol, from, PAGE, { until: windowEnd - 1 });
    // ccxt sorts by (timestamp, id) with ids as strings ('1000' before '999'): restore the venue's order.
    const trades = got.filter((t) => t.timestamp !== undefined && t.timestamp >= from).sort(byTimeThenId);
    let keep = trades.filter((t) => t.timestamp! < end);
    let next: number;
    if (got.length < PAGE) next = byId ? end : windowEnd;
    else if (keep.length < trades.length) next = end;
    else {
      const lastMs = keep[keep.length - 1].timestamp!;
      const cut = keep.findIndex((t) => t.timestamp === lastMs);
      if (cut === 0) throw new ConfigError(`${symbol}: more than ${PAGE} trades in the millisecond ${new Date(lastMs).toISOString()}; the download cannot page through it`);
      fromId = keep[cut].id;
      fromIdAt = lastMs;
      keep = keep.slice(0, cut);
      next = lastMs;
    }
    const rows = rowsOf('trades', keep.length, (cols, i) => {
      const t = keep[i];
      cols.ts_event[i] = t.timestamp! * 1000; cols.ts_local[i] = t.timestamp! * 1000; cols.price[i] = t.price; cols.size[i] = t.amount;
      cols.aggressor[i] = t.side === 'buy' ? 1 : t.side === 'sell' ? -1 : 0;
    }, ['ts_event', 'ts_local', 'price', 'size', 'aggressor']);
    return { rows, next, gaps: [] };
  };
}

/** Trades in the venue's order: by time, then by id (numerically when the ids are numbers). */
function byTimeThenId(a: { timestamp?: number; id?: string }, b: { timestamp?: number; id?: string }): number {
  const dt = a.timestamp! - b.timestamp!;
  if (dt !== 0 || a.id === undefined || b.id === undefined) return dt;
  const na = Number(a.id);
  const nb = Number(b.id);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Pages of funding rates (1000 a request). */
function fundingPager(ex: HistoryClient, symbol: string): Pager {
  return async (from, end) => {
    const got = (await ex.fetchFundingRateHistory(symbol, from, PAGE, { until: end - 1 })).filter((f) => f.timestamp !== undefined && f.timestamp >= from && f.timestamp < end);
    const next = got.length < PAGE ? end : got[got.length - 1].timestamp! + 1;
    const rows = rowsOf('funding', got.length, (cols, i) => { cols.timestamp[i] = got[i].timestamp! * 1000; cols.rate[i] = got[i].fundingRate; }, ['timestamp', 'rate']);
    return { rows, next, gaps: [] };
  };
}

/** The pager of a kind. */
export function pagerFor(ex: HistoryClient, symbol: string, kind: CatalogKind): Pager {
  if (kind === 'trades') return tradePager(ex, symbol);
  if (kind === 'funding') return fundingPager(ex, symbol);
  if (barMicros(kind) !== null) return barPager(ex, symbol, kind);
  throw new ConfigError(`data download: kind ${kind} cannot be downloaded (bars:<tf>, mark:<tf>, trades, funding)`, 'usage');
}

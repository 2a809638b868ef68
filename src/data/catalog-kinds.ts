import { ConfigError } from '../core/errors.ts';
import { MICROS_PER_MINUTE } from '../core/time.ts';
import type { TickKind } from './tick-parquet.ts';

/** Bar timeframes the catalog names (ccxt's spelling) with their length in µs. */
export const TIMEFRAMES: Readonly<Record<string, number>> = {
  '1m': MICROS_PER_MINUTE, '3m': 3 * MICROS_PER_MINUTE, '5m': 5 * MICROS_PER_MINUTE, '15m': 15 * MICROS_PER_MINUTE, '30m': 30 * MICROS_PER_MINUTE,
  '1h': 60 * MICROS_PER_MINUTE, '2h': 120 * MICROS_PER_MINUTE, '4h': 240 * MICROS_PER_MINUTE, '1d': 1440 * MICROS_PER_MINUTE,
};

/**
 * What a catalog stream holds, as its folder name:
 *   trades | quotes | deltas  — normalized ticks (ts_event, ts_local, …; see tick-parquet.ts)
 *   bars-<tf>                 — OHLCV bars: timestamp (bar open, µs), open, high, low, close, volume
 *   mark-<tf>                 — mark-price bars, the same columns
 *   funding                   — funding rates: timestamp (µs), rate
 */
export type CatalogKind = TickKind | `bars-${string}` | `mark-${string}` | 'funding';

/** Whether a folder name is a catalog kind. */
export function isCatalogKind(name: string): name is CatalogKind {
  if (name === 'trades' || name === 'quotes' || name === 'deltas' || name === 'funding') return true;
  const m = /^(bars|mark)-(.+)$/.exec(name);
  return m !== null && TIMEFRAMES[m[2]] !== undefined;
}

/** The bar length (µs) of a bars/mark kind, or null for other kinds. */
export function barMicros(kind: CatalogKind): number | null {
  const m = /^(bars|mark)-(.+)$/.exec(kind);
  return m ? TIMEFRAMES[m[2]] ?? null : null;
}

/** Whether the kind is one of the normalized tick kinds. */
export const isTickKind = (kind: CatalogKind): kind is TickKind => kind === 'trades' || kind === 'quotes' || kind === 'deltas';

/** The time column a kind is ordered and partitioned by. */
export const timeColumnOf = (kind: CatalogKind): string => (isTickKind(kind) ? 'ts_local' : 'timestamp');

/** The value columns (besides the time columns) of every kind, in file order. */
export function valueColumnsOf(kind: CatalogKind): readonly string[] {
  if (kind === 'trades') return ['price', 'size', 'aggressor'];
  if (kind === 'quotes') return ['bid_price', 'bid_size', 'ask_price', 'ask_size'];
  if (kind === 'deltas') return ['side', 'price', 'size', 'flags'];
  if (kind === 'funding') return ['rate'];
  return ['open', 'high', 'low', 'close', 'volume'];
}

/** Parses `--kind` of `data download` (bars:1m, mark:1m, trades, funding) into a catalog kind. */
export function parseDownloadKind(s: string): CatalogKind {
  const m = /^(bars|mark):(.+)$/.exec(s);
  if (m) {
    if (TIMEFRAMES[m[2]] === undefined) throw new ConfigError(`--kind ${s}: unknown timeframe "${m[2]}" (one of ${Object.keys(TIMEFRAMES).join(', ')})`, 'usage');
    return `${m[1] as 'bars' | 'mark'}-${m[2]}`;
  }
  if (s === 'trades' || s === 'funding') return s;
  throw new ConfigError(`--kind "${s}" is not one of bars:<timeframe>, mark:<timeframe>, trades, funding (e.g. --kind bars:1m)`, 'usage');
}

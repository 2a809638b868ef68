import { ConfigError } from '../core/errors.ts';
import { defineInstrument, type Instrument, type InstrumentInput } from '../core/instrument.ts';

/** The fields of a ccxt market an instrument is made from. */
export interface CcxtMarket {
  /** The venue's own symbol, e.g. BTCUSDT. */
  id: string;
  symbol: string;
  type?: string;
  /** TICK_SIZE precision mode: the steps themselves; DECIMAL_PLACES: digits. */
  precision: { price?: number; amount?: number };
  limits?: { cost?: { min?: number }; amount?: { min?: number } };
  maker?: number;
  taker?: number;
  contractSize?: number;
}

/** ccxt's precision modes (ccxt exports these numbers as DECIMAL_PLACES and TICK_SIZE). */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

function step(precision: number | undefined, mode: number, what: string, symbol: string): number {
  if (precision === undefined || !(precision > 0) && mode !== DECIMAL_PLACES) throw new ConfigError(`${symbol}: the venue's market info has no ${what} precision`);
  if (mode === TICK_SIZE) return precision!;
  if (mode === DECIMAL_PLACES) return Number((10 ** -precision!).toFixed(Math.max(0, precision!)));
  throw new ConfigError(`${symbol}: precision mode ${mode} (significant digits) gives no fixed ${what} step`);
}

/**
 * The instrument of a live market, from the venue's market info (`loadMarkets`): tick
 * size, lot size, minimum order value and maker/taker fees are the venue's. Fields given
 * in the config must agree with it, unless `override` is set (then they win, and the
 * session says so).
 */
export function instrumentFromMarket(m: CcxtMarket, exchange: string, precisionMode: number, given: Partial<InstrumentInput> = {}, override = false): Instrument {
  const venue: InstrumentInput = {
    symbol: m.id, venue: exchange.toUpperCase(),
    tickSize: step(m.precision.price, precisionMode, 'price', m.symbol), lotSize: step(m.precision.amount, precisionMode, 'amount', m.symbol),
    makerFee: m.maker ?? 0, takerFee: m.taker ?? 0, minNotional: m.limits?.cost?.min ?? 0, multiplier: m.contractSize ?? 1,
  };
  const clashes = (Object.keys(given) as Array<keyof InstrumentInput>)
    .filter((k) => given[k] !== undefined && venue[k] !== undefined && given[k] !== venue[k])
    .map((k) => `${k} ${String(given[k])} (venue: ${String(venue[k])})`);
  if (clashes.length > 0 && !override) {
    throw new ConfigError(`${m.symbol}: the config contradicts the venue's market info: ${clashes.join(', ')}; drop those settings, or set overrideInstrument (--override-instrument) to use them anyway`);
  }
  return defineInstrument({ ...venue, ...(override ? given : {}), symbol: m.id, venue: exchange.toUpperCase() });
}

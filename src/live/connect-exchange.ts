import type { SessionConfig } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import { pointCcxtAt } from './ccxt-base-url.ts';
import type { LiveExchange } from './live-parts.ts';
import { instrumentFromMarket, type CcxtMarket } from './venue-instrument.ts';

/** API credentials of a live session (from the environment or a keys file; never logged or saved). */
export interface Credentials {
  readonly apiKey: string;
  readonly secret: string;
}

/** A connected ccxt.pro exchange with its markets loaded. */
export type ConnectedExchange = LiveExchange & {
  markets: Record<string, CcxtMarket | undefined>;
  precisionMode: number;
  urls: { api: Record<string, unknown> };
  loadMarkets(): Promise<unknown>;
  setSandboxMode(on: boolean): void;
};

/**
 * Creates the session's ccxt.pro exchange: credentials only in live mode, ccxt's rate
 * limiter on, the base URL pointed at a loopback exchange when given, the venue's sandbox
 * when asked; then loads its markets. ccxt is loaded here, not when Lockstep is imported.
 */
export async function connectExchange(venue: NonNullable<SessionConfig['venue']>, live: boolean, credentials?: Credentials): Promise<ConnectedExchange> {
  const ccxt = (await import('ccxt')).default as unknown as { pro: Record<string, new (o: unknown) => ConnectedExchange> };
  const Ex = ccxt.pro[venue.exchange];
  if (!Ex) throw new ConfigError(`ccxt has no exchange "${venue.exchange}" (see https://docs.ccxt.com for the ids)`);
  const ex = new Ex({ ...(live ? credentials : {}), enableRateLimit: true, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  if (venue.sandbox) ex.setSandboxMode(true);
  if (venue.url) await pointCcxtAt(ex, venue.url);
  await ex.loadMarkets();
  return ex;
}

/**
 * A ccxt REST client for history downloads: no credentials, ccxt's rate limiter on, markets
 * loaded (spot and USDT-margined contracts when pointed at a loopback exchange, ccxt's
 * defaults otherwise).
 */
export async function connectHistoryExchange(exchange: string, o: { url?: string; sandbox?: boolean } = {}): Promise<ConnectedExchange & import('./history-pages.ts').HistoryClient> {
  const ccxt = (await import('ccxt')).default as unknown as Record<string, unknown>;
  const Ex = ccxt[exchange] as (new (o: unknown) => ConnectedExchange & import('./history-pages.ts').HistoryClient) | undefined;
  if (typeof Ex !== 'function' || exchange.startsWith('_')) throw new ConfigError(`ccxt has no exchange "${exchange}" (see https://docs.ccxt.com for the ids)`, 'usage');
  const ex = new Ex({ enableRateLimit: true, options: o.url ? { fetchMarkets: ['spot', 'linear'], fetchCurrencies: false, fetchMargins: false } : {} });
  if (o.sandbox) ex.setSandboxMode(true);
  if (o.url) await pointCcxtAt(ex, o.url);
  await ex.loadMarkets();
  return ex;
}

/** The session's instrument from the exchange's market info (see venue-instrument.ts). */
export function sessionInstrument(ex: Pick<ConnectedExchange, 'markets' | 'precisionMode'>, venue: NonNullable<SessionConfig['venue']>): Instrument {
  const market = ex.markets[venue.symbol];
  if (!market) throw new ConfigError(`${venue.exchange} has no market ${venue.symbol}`);
  return instrumentFromMarket(market, venue.exchange, ex.precisionMode, venue.instrument ?? {}, venue.overrideInstrument);
}

import ccxt from 'ccxt';
import { pointCcxtAt } from '../src/live/ccxt-base-url.ts';

/** A ccxt.pro Binance client pointed at a loopback exchange (REST, streams and WebSocket API). */
export async function loopbackClient(base: string, creds: { apiKey?: string; secret?: string } = {}) {
  const c = new ccxt.pro.binance({ ...creds, enableRateLimit: false, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  await pointCcxtAt(c, base);
  await c.loadMarkets();
  return c;
}

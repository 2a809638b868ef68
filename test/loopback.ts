import ccxt from 'ccxt';
import { pointCcxtAt } from '../src/live/ccxt-base-url.ts';
import type { BookDeltaView } from '../src/core/events.ts';
import { LoopbackExchange } from '../src/live/loopback/loopback-exchange.ts';

/** A ccxt.pro Binance client pointed at a loopback exchange (REST, streams and WebSocket API). */
export async function loopbackClient(base: string, creds: { apiKey?: string; secret?: string } = {}) {
  const c = new ccxt.pro.binance({ ...creds, enableRateLimit: false, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  await pointCcxtAt(c, base);
  await c.loadMarkets();
  return c;
}

/**
 * A loopback exchange (BTCUSDT, tick 0.01, step 0.0001, API key `k`/`s`) whose book holds
 * one bid at 20000 and one ask at 20001, listening on 127.0.0.1; `close()` when done.
 */
export async function bookedLoopback(): Promise<{ ex: LoopbackExchange; base: string }> {
  const ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.0001, keys: new Map([['k', 's']]), balances: { USDT: 100_000, BTC: 1 } });
  const level = (side: 1 | -1, price: number, first: boolean): BookDeltaView =>
    ({ instrumentId: 'BTCUSDT.LOOPBACK', instrumentIndex: 0, ts: 1.7e15, tsLocal: 1.7e15, side, price, qty: 1, isSnapshot: first, clear: first, last: !first });
  ex.onDelta(level(1, 20000, true));
  ex.onDelta(level(-1, 20001, false));
  return { ex, base: await ex.listen() };
}

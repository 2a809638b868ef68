import ccxt from 'ccxt';

/** A ccxt.pro Binance client pointed at a loopback exchange (REST, streams and WebSocket API). */
export async function loopbackClient(base: string, creds: { apiKey?: string; secret?: string } = {}) {
  const c = new ccxt.pro.binance({ ...creds, enableRateLimit: false, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
  const api = c.urls.api as Record<string, unknown>;
  api.public = `${base}/api/v3`;
  api.private = `${base}/api/v3`;
  const ws = api.ws as Record<string, unknown>;
  ws.spot = `${base.replace('http', 'ws')}/ws`;
  (ws['ws-api'] as Record<string, string>).spot = `${base.replace('http', 'ws')}/ws-api/v3`;
  await c.loadHttpProxyAgent(); // ccxt needs its http agent for plain ws:// URLs
  await c.loadMarkets();
  return c;
}

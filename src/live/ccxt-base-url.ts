/** The URL fields of a ccxt (pro) Binance client that `pointCcxtAt` rewrites. */
export interface CcxtUrls {
  urls: { api: Record<string, unknown> };
  loadHttpProxyAgent?(): Promise<void>;
}

/**
 * Points a ccxt Binance spot client at another base URL (a loopback exchange): REST under
 * /api/v3 (USDT-margined futures' public REST under /fapi/v1), market streams under /ws, the WebSocket API (user-data stream for watchOrders)
 * under /ws-api/v3. ccxt.pro needs its HTTP agent loaded for plain ws:// URLs.
 */
export async function pointCcxtAt(client: CcxtUrls, base: string): Promise<void> {
  const api = client.urls.api;
  api.public = `${base}/api/v3`;
  api.private = `${base}/api/v3`;
  if ('fapiPublic' in api) api.fapiPublic = `${base}/fapi/v1`;
  const ws = api.ws as Record<string, unknown> | undefined;
  if (ws) {
    const wsBase = base.replace(/^http/, 'ws');
    ws.spot = `${wsBase}/ws`;
    const wsApi = ws['ws-api'] as Record<string, string> | undefined;
    if (wsApi) wsApi.spot = `${wsBase}/ws-api/v3`;
    await client.loadHttpProxyAgent?.();
  }
}

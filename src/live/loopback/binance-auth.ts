import { createHmac, timingSafeEqual } from 'node:crypto';

/** Result of checking a signed Binance request. */
export type AuthResult = { ok: true; apiKey: string } | { ok: false; code: number; msg: string };

/**
 * Binance's request signing: HMAC-SHA256 (hex) with the API secret over the query string
 * followed by the body (without `signature`), the key in the X-MBX-APIKEY header and a
 * `timestamp` within `recvWindow` (default 5,000 ms) of the server time.
 */
export function checkSignature(keys: ReadonlyMap<string, string>, apiKey: string | undefined, query: string, body: string, nowMs: number): AuthResult {
  if (!apiKey || !keys.has(apiKey)) return { ok: false, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
  const total = [query, body].filter((s) => s !== '').join('&');
  const params = new URLSearchParams(total);
  const sig = params.get('signature');
  if (!sig) return { ok: false, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  const unsigned = total.split('&').filter((kv) => !kv.startsWith('signature=')).join('&');
  const want = createHmac('sha256', keys.get(apiKey)!).update(unsigned).digest('hex');
  const a = Buffer.from(want);
  const b = Buffer.from(sig);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, code: -1022, msg: 'Signature for this request is not valid.' };
  const ts = Number(params.get('timestamp'));
  const window = Number(params.get('recvWindow') ?? 5000);
  if (!Number.isFinite(ts) || ts > nowMs + 1000 || nowMs - ts > window) return { ok: false, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
  return { ok: true, apiKey };
}

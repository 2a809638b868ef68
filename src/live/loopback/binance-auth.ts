import { createHmac, timingSafeEqual } from 'node:crypto';

/** Result of checking a signed Binance request. */
export type AuthResult = { ok: true; apiKey: string } | { ok: false; code: number; msg: string };

/**
 * Binance's request signing: HMAC-SHA256 (hex) with the API secret over the query string
 * followed by the body (without `signature`), the key in the X-MBX-APIKEY header and a
 * `timestamp` within `recvWindow` (default 5,000 ms, at most 60,000) of the server time.
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
  const timing = checkTiming(params.get('timestamp'), params.get('recvWindow'), nowMs);
  if (timing) return timing;
  return { ok: true, apiKey };
}

/** Binance's largest recvWindow (ms). */
export const MAX_RECV_WINDOW = 60_000;
const DIGITS = /^[0-9]{1,20}$/;

/**
 * `timestamp` and `recvWindow` as Binance checks them: digits only (-1100), recvWindow at
 * most 60,000 (-1131), and the request neither from the future (1 s allowed) nor older than
 * its window (-1021). A non-numeric window never disables the check.
 */
function checkTiming(timestamp: string | null, recvWindow: string | null, nowMs: number): AuthResult | null {
  if (timestamp === null) return { ok: false, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
  for (const [name, v] of [['timestamp', timestamp], ['recvWindow', recvWindow]] as const) {
    if (v !== null && !DIGITS.test(v)) return { ok: false, code: -1100, msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.` };
  }
  const window = recvWindow === null ? 5000 : Number(recvWindow);
  if (window > MAX_RECV_WINDOW) return { ok: false, code: -1131, msg: 'recvWindow must be less than 60000' };
  const ts = Number(timestamp);
  if (ts > nowMs + 1000 || nowMs - ts > window) return { ok: false, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
  return null;
}

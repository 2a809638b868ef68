import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cli } from '../../../test/cli.ts';
import { tempDir } from '../../../test/tmp.ts';
import { bookedLoopback } from '../../../test/loopback.ts';
import { MAX_WS_BUFFERED } from './send-bounded.ts';
import { MAX_BODY_BYTES } from './http-body.ts';
import type { LoopbackExchange } from './loopback-exchange.ts';
import { startLoopbackVenue } from './start-venue.ts';

const tmp = tempDir();
let ex: LoopbackExchange;
let base: string;

beforeAll(async () => {
  ({ ex, base } = await bookedLoopback());
});
afterAll(async () => ex?.close());

/** A signed GET /api/v3/account with the given query (HMAC computed here, by Binance's documented rule). */
async function signedGet(query: string): Promise<{ status: number; body: { code?: number; msg?: string } }> {
  const sig = createHmac('sha256', 's').update(query).digest('hex');
  const r = await fetch(`${base}/api/v3/account?${query}&signature=${sig}`, { headers: { 'X-MBX-APIKEY': 'k' } });
  return { status: r.status, body: (await r.json()) as { code?: number; msg?: string } };
}

/** A POST that declares `declared` bytes but sends only `sent`: resolves with the reply that arrives before the rest. */
function partialPost(path: string, headers: Record<string, string>, declared: number | null, sent: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { ...headers, ...(declared !== null ? { 'content-length': String(declared) } : {}) } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(Buffer.alloc(sent, 0x61));
    // never ends the body: a server that reads before deciding would wait forever
    setTimeout(() => reject(new Error('no reply before the body was complete')), 10_000).unref();
  });
}

describe('loopback exchange robustness (as Binance)', () => {
  it('recvWindow: digits only (-1100), at most 60000 (-1131); an old request is refused whatever the window says (-1021)', async () => {
    const now = Date.now();
    expect((await signedGet(`timestamp=${now}&recvWindow=abc`)).body.code).toBe(-1100);
    expect((await signedGet(`timestamp=${now}&recvWindow=60001`)).body.code).toBe(-1131);
    expect((await signedGet(`timestamp=${now - 3_600_000}&recvWindow=abc`)).body.code).toBe(-1100);
    expect((await signedGet(`timestamp=${now - 3_600_000}&recvWindow=60000`)).body.code).toBe(-1021);
    expect((await signedGet(`timestamp=${now - 3_600_000}`)).body.code).toBe(-1021);
    expect((await signedGet(`timestamp=${now}.5`)).body.code).toBe(-1100);
    const ok = await signedGet(`timestamp=${now}&recvWindow=60000`);
    expect(ok.status).toBe(200);
  });

  it('an unauthenticated upload is refused before its body is read; a body over the limit is refused as it arrives', async () => {
    const noKey = await partialPost('/api/v3/order', {}, 256 * 1024 * 1024, 1024 * 1024);
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.body).code).toBe(-2015);
    const badKey = await partialPost('/api/v3/order', { 'X-MBX-APIKEY': 'nobody' }, 256 * 1024 * 1024, 1024);
    expect(badKey.status).toBe(401);
    const unknownRoute = await partialPost('/api/v3/nothing', { 'X-MBX-APIKEY': 'k' }, 256 * 1024 * 1024, 1024);
    expect(unknownRoute.status).toBe(404);
    const declaredTooLarge = await partialPost('/api/v3/order', { 'X-MBX-APIKEY': 'k' }, MAX_BODY_BYTES + 1, 10);
    expect(declaredTooLarge.status).toBe(413);
    const streamedTooLarge = await partialPost('/api/v3/order', { 'X-MBX-APIKEY': 'k', 'transfer-encoding': 'chunked' }, null, MAX_BODY_BYTES + 4096);
    expect(streamedTooLarge.status).toBe(413);
    // the exchange still answers
    expect((await fetch(`${base}/api/v3/time`)).status).toBe(200);
  });

  it('a websocket client that stops reading is dropped once its unsent data passes the limit; a reading client gets everything', async () => {
    const stream = 'btcusdt@trade';
    const open = async () => {
      const c = new WebSocket(`${base.replace('http', 'ws')}/ws`);
      await new Promise((r) => c.once('open', r));
      c.send(JSON.stringify({ method: 'SUBSCRIBE', params: [stream], id: 1 }));
      await new Promise((r) => c.once('message', r)); // the subscription's acknowledgement
      return c;
    };
    const reader = await open();
    const stalled = await open();
    let received = 0;
    reader.on('message', () => received++);
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise((r) => stalled.once('close', r));
    const payload = 'x'.repeat(64 * 1024);
    const messages = Math.ceil((3 * MAX_WS_BUFFERED) / payload.length); // far more than the limit plus what the kernel holds
    for (let i = 0; i < messages; i++) {
      ex.streams!.publish(stream, { e: 'trade', pad: payload });
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    expect(ex.streams!.slowConsumersDropped).toBe(1);
    (stalled as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    const end = Date.now() + 10_000;
    while (received < messages && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(received).toBe(messages);
    reader.close();
  });

  it('a replay far behind schedule still serves requests while it runs', async () => {
    const data = join(tmp.dir, 'l2');
    expect((await cli('data', 'synth', '--events', '400000', '--seed', '3', '--out', data)).code).toBe(0);
    const venue = await startLoopbackVenue({ data, speed: 1e9 }); // always behind: it never waits for the clock
    let done = false;
    void venue.replayed.then(() => { done = true; });
    let answered = 0;
    while (!done) {
      const r = await fetch(`${venue.url}/api/v3/time`);
      if (r.status === 200 && !done) answered++;
    }
    await venue.close();
    expect(await venue.replayed).toBeGreaterThan(400_000);
    // 400k events at a few µs each take ≥ 0.5 s: requests are answered within milliseconds throughout, not once per file
    expect(answered).toBeGreaterThanOrEqual(20);
  });
});

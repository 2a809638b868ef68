import http from 'node:http';
import net from 'node:net';

/** Which requests a fault applies to. */
export type RequestMatch = (method: string, path: string) => boolean;

/** What the proxy did (the fault counts a scenario reports). */
export interface FaultStats {
  requests: number;
  /** Requests the venue executed whose reply was lost. */
  droppedReplies: number;
  /** Requests sent to the venue twice. */
  duplicated: number;
  /** Websocket messages (venue → client) delivered twice. */
  duplicatedFrames: number;
  /** Cancels answered "CANCELED" that never reached the venue. */
  fakedCancels: number;
  /** Connections reset (HTTP keep-alive and websockets). */
  resets: number;
  /** Times the proxy refused connections for a while. */
  downs: number;
}

/**
 * A fault-injecting proxy between a ccxt client and the loopback exchange, on 127.0.0.1:
 * REST requests are forwarded (with optional loss of the reply after the venue executed,
 * duplication, delay) and websocket upgrades are piped byte for byte; every connection can
 * be reset, and the proxy can go down for a while (every connection reset on arrival).
 */
export class FaultProxy {
  readonly stats: FaultStats = { requests: 0, droppedReplies: 0, duplicated: 0, duplicatedFrames: 0, fakedCancels: 0, resets: 0, downs: 0 };
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private drops: Array<{ match: RequestMatch; left: number }> = [];
  private dups: Array<{ match: RequestMatch; left: number }> = [];
  private fakes = 0;
  private framesToDuplicate = 0;
  private delayMillis = 0;
  private port = 0;
  private isDown = false;

  private constructor(private readonly upstream: URL) {
    this.server = http.createServer((req, res) => void this.forward(req, res));
    this.server.on('connection', (s) => {
      if (this.isDown) s.destroy();
      else this.track(s);
    });
    this.server.on('upgrade', (req, socket, head) => this.pipeUpgrade(req, socket as net.Socket, head));
  }

  /** Starts a proxy in front of `upstream` (the loopback's URL); `url` is what clients use. */
  static async start(upstream: string): Promise<FaultProxy> {
    const p = new FaultProxy(new URL(upstream));
    await p.listen(0);
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` matching requests reach the venue, which executes them; their replies are lost (the connection is reset). */
  dropReplies(match: RequestMatch, count: number): void {
    this.drops.push({ match, left: count });
  }

  /** The next `count` matching requests are sent to the venue twice (the client sees the first answer). */
  duplicate(match: RequestMatch, count: number): void {
    this.dups.push({ match, left: count });
  }

  /**
   * The next `count` single-order cancels (DELETE /api/v3/order) never reach the venue: the
   * proxy reads the order (the same signed query as a GET) and answers with it marked
   * CANCELED — a venue that acknowledged a cancel it never carried out.
   */
  fakeCancels(count: number): void {
    this.fakes += count;
  }

  /** The next `count` websocket text messages from the venue (market and user data) reach the client twice. */
  duplicateFrames(count: number): void {
    this.framesToDuplicate += count;
  }

  /** Ends every fault still armed (drops, duplicates, faked cancels, duplicated frames, delay): the next scenario starts clean. */
  clearFaults(): void {
    this.drops = [];
    this.dups = [];
    this.fakes = 0;
    this.framesToDuplicate = 0;
    this.delayMillis = 0;
  }

  /** Every request waits this long before it is forwarded (0: none). */
  delay(ms: number): void {
    this.delayMillis = ms;
  }

  /** Resets every open connection (REST keep-alive and websockets). */
  resetSockets(): void {
    for (const s of this.sockets) {
      s.destroy();
      this.stats.resets++;
    }
    this.sockets.clear();
  }

  /**
   * The venue unreachable for `ms`: every open connection is reset and every new one reset
   * as it arrives (the port stays ours, so no other test's server can take it meanwhile).
   */
  async down(ms: number): Promise<void> {
    this.stats.downs++;
    this.isDown = true;
    this.resetSockets();
    await new Promise((r) => setTimeout(r, ms));
    this.isDown = false;
  }

  async close(): Promise<void> {
    const closed = new Promise((r) => this.server.close(r));
    this.resetSockets();
    await closed;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
  }

  private take(list: Array<{ match: RequestMatch; left: number }>, method: string, path: string): boolean {
    const rule = list.find((r) => r.left > 0 && r.match(method, path));
    if (rule) rule.left--;
    return rule !== undefined;
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.stats.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (this.delayMillis > 0) await new Promise((r) => setTimeout(r, this.delayMillis));
    const drop = this.take(this.drops, method, path.split('?')[0]);
    const dup = this.take(this.dups, method, path.split('?')[0]);
    const fake = this.fakes > 0 && method === 'DELETE' && path.split('?')[0] === '/api/v3/order';
    if (fake) this.fakes--;
    try {
      const answer = fake ? await this.fakeCancel(path, req.headers, body) : await this.send(method, path, req.headers, body);
      if (dup) {
        this.stats.duplicated++;
        await this.send(method, path, req.headers, body).catch(() => undefined);
      }
      if (drop) {
        this.stats.droppedReplies++;
        req.socket.destroy(); // executed at the venue, the reply lost on the way back
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      req.socket.destroy();
    }
  }

  /** The order as the venue has it (a GET with the cancel's own signed query), answered as if cancelled. */
  private async fakeCancel(path: string, headers: http.IncomingHttpHeaders, body: Buffer) {
    const answer = await this.send('GET', path, headers, body);
    if (answer.status !== 200) return answer;
    this.stats.fakedCancels++;
    const order = { ...(JSON.parse(answer.body.toString()) as Record<string, unknown>), status: 'CANCELED' };
    const text = Buffer.from(JSON.stringify(order));
    const { 'transfer-encoding': _chunked, ...kept } = answer.headers;
    return { ...answer, headers: { ...kept, 'content-length': String(text.length) }, body: text };
  }

  private send(method: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const up = http.request({ host: this.upstream.hostname, port: this.upstream.port, method, path, headers: { ...headers, host: this.upstream.host }, agent: false }, (r) => {
        const out: Buffer[] = [];
        r.on('data', (c: Buffer) => out.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(out) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  /** A websocket upgrade: the raw bytes piped both ways, so a reset drops the stream as a network fault would. */
  private pipeUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const up = net.connect(Number(this.upstream.port), this.upstream.hostname);
    const upstreamFrames = { buf: Buffer.alloc(0), handshakeDone: false };
    this.track(up);
    up.on('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) up.write(head);
      socket.pipe(up);
      up.on('data', (c: Buffer) => this.relayFrames(c, socket, upstreamFrames));
    });
    const end = () => { socket.destroy(); up.destroy(); };
    up.on('close', end);
    socket.on('close', end);
  }

  /**
   * Venue → client bytes: the handshake reply passes through, then whole websocket frames
   * (server frames are unmasked, and the loopback does not compress), a text frame written
   * twice while duplicates are asked for.
   */
  private relayFrames(chunk: Buffer, socket: net.Socket, st: { buf: Buffer; handshakeDone: boolean }): void {
    st.buf = st.buf.length === 0 ? chunk : Buffer.concat([st.buf, chunk]);
    if (!st.handshakeDone) {
      const end = st.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.write(st.buf.subarray(0, end + 4));
      st.buf = st.buf.subarray(end + 4);
      st.handshakeDone = true;
    }
    for (let size = frameSize(st.buf); size > 0 && size <= st.buf.length; size = frameSize(st.buf)) {
      const frame = st.buf.subarray(0, size);
      socket.write(frame);
      if (this.framesToDuplicate > 0 && frame[0] === 0x81) { // FIN + text
        this.framesToDuplicate--;
        this.stats.duplicatedFrames++;
        socket.write(frame);
      }
      st.buf = st.buf.subarray(size);
    }
  }
}

/** Length of the websocket frame at the start of `b` (header + payload), or 0 when its header is incomplete. */
function frameSize(b: Buffer): number {
  if (b.length < 2) return 0;
  const len7 = b[1] & 0x7f;
  const mask = b[1] & 0x80 ? 4 : 0;
  if (len7 < 126) return 2 + mask + len7;
  if (len7 === 126) return b.length < 4 ? 0 : 4 + mask + b.readUInt16BE(2);
  return b.length < 10 ? 0 : 10 + mask + Number(b.readBigUInt64BE(2));
}

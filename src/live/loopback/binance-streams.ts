import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { sendBounded } from './send-bounded.ts';

/**
 * Binance's public market streams over websocket for the loopback exchange: clients
 * connect to /ws/… and send {"method":"SUBSCRIBE","params":["btcusdt@depth@100ms", …]}; the
 * exchange pushes diff-depth (with U/u update ids), trade and bookTicker events.
 */
export class BinanceStreams {
  private readonly wss: WebSocketServer;
  private readonly subs = new Map<WebSocket, Set<string>>();
  /** WebSocket API requests (/ws-api/…): returns the reply; set by the exchange. */
  onRpc: ((ws: WebSocket, method: string, params: Record<string, unknown>) => unknown) | null = null;

  constructor(server: Server) {
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      if (!(req.url ?? '').startsWith('/ws')) {
        socket.destroy();
        return;
      }
      const rpc = (req.url ?? '').startsWith('/ws-api');
      this.wss.handleUpgrade(req, socket, head, (ws) => (rpc ? this.acceptRpc(ws) : this.accept(ws)));
    });
  }

  /** Subscribed streams (tests wait for them). */
  subscribed(stream: string): boolean {
    for (const s of this.subs.values()) if (s.has(stream)) return true;
    return false;
  }

  /** Slow consumers dropped (their unsent data passed `MAX_WS_BUFFERED`). */
  slowConsumersDropped = 0;

  /** Sends an event to every socket subscribed to `stream`; a socket that does not keep up is dropped. */
  publish(stream: string, event: unknown): void {
    let text: string | null = null;
    for (const [ws, s] of this.subs) {
      if (!s.has(stream) || ws.readyState !== ws.OPEN) continue;
      text ??= JSON.stringify(event);
      if (!sendBounded(ws, text)) this.dropSlow(ws);
    }
  }

  private dropSlow(ws: WebSocket): void {
    this.subs.delete(ws);
    this.slowConsumersDropped++;
  }

  /** Drops every connection (tests: the client must reconnect and resynchronize). */
  dropAll(): void {
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }

  /** JSON-RPC style WebSocket API: {id, method, params} → {id, status, result | error}. */
  private acceptRpc(ws: WebSocket): void {
    ws.on('message', (data) => {
      let m: { id?: unknown; method?: string; params?: Record<string, unknown> };
      try {
        m = JSON.parse(String(data));
      } catch {
        return;
      }
      try {
        const result = this.onRpc ? this.onRpc(ws, String(m.method), m.params ?? {}) : null;
        ws.send(JSON.stringify({ id: m.id, status: 200, result }));
      } catch (e) {
        const err = e as { code?: number; message: string };
        ws.send(JSON.stringify({ id: m.id, status: 400, error: { code: err.code ?? -1000, msg: err.message } }));
      }
    });
  }

  private accept(ws: WebSocket): void {
    const s = new Set<string>();
    this.subs.set(ws, s);
    ws.on('close', () => this.subs.delete(ws));
    ws.on('message', (data) => {
      let m: { method?: string; params?: string[]; id?: number };
      try {
        m = JSON.parse(String(data));
      } catch {
        ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid JSON' } }));
        return;
      }
      if (m.method === 'SUBSCRIBE') for (const p of m.params ?? []) s.add(p);
      else if (m.method === 'UNSUBSCRIBE') for (const p of m.params ?? []) s.delete(p);
      ws.send(JSON.stringify({ result: null, id: m.id ?? null }));
    });
  }
}

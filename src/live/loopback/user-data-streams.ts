import type { WebSocket } from 'ws';
import { sendBounded } from './send-bounded.ts';

/**
 * User-data subscriptions of the WebSocket API, per API key: each signed
 * `userDataStream.subscribe.signature` gets an id; events (execution reports) go to every
 * open socket subscribed for the order owner's key. Closed sockets drop out.
 */
export class UserDataStreams {
  private readonly byKey = new Map<string, { ws: WebSocket; id: number }[]>();
  private next = 0;

  subscribe(ws: WebSocket, apiKey: string): number {
    const id = this.next++;
    const list = this.byKey.get(apiKey) ?? [];
    list.push({ ws, id });
    this.byKey.set(apiKey, list);
    ws.on('close', () => this.byKey.set(apiKey, (this.byKey.get(apiKey) ?? []).filter((x) => x.ws !== ws)));
    return id;
  }

  /** True when someone listens for this key (so events are only built when needed). */
  has(apiKey: string): boolean {
    return (this.byKey.get(apiKey)?.length ?? 0) > 0;
  }

  /** Sends to each subscriber of the key; one that does not keep up is dropped (see `sendBounded`). */
  send(apiKey: string, event: unknown): void {
    for (const s of this.byKey.get(apiKey) ?? []) sendBounded(s.ws, JSON.stringify({ subscriptionId: s.id, event }));
  }
}

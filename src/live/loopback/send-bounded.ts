import type { WebSocket } from 'ws';

/** Bytes a socket may have queued unsent before the exchange drops it as a slow consumer. */
export const MAX_WS_BUFFERED = 4 * 1024 * 1024;

/**
 * Sends `text` unless the socket already holds more than `MAX_WS_BUFFERED` unsent bytes:
 * then it is terminated, as Binance drops a client that does not keep up (the client
 * reconnects and resynchronizes). Memory per client is bounded either way.
 */
export function sendBounded(ws: WebSocket, text: string): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  if (ws.bufferedAmount > MAX_WS_BUFFERED) {
    ws.terminate();
    return false;
  }
  ws.send(text);
  return true;
}

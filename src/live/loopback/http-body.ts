import type { IncomingMessage } from 'node:http';
import { BinanceError } from './spot-orders.ts';

/** Largest request body the loopback exchange reads (Binance's order requests are < 1 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a request body of at most `MAX_BODY_BYTES`: a larger declared length is refused
 * before any byte is read, a longer stream as soon as it passes the limit (413).
 */
export async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

function tooLarge(): BinanceError {
  return new BinanceError(413, -1000, `Request body larger than ${MAX_BODY_BYTES} bytes.`);
}

import { createHash } from 'node:crypto';
import type { Fill } from '../core/fill.ts';

/**
 * SHA-256 over every fill's (time, order, instrument, side, price, qty, fee) in order;
 * prices are hashed as exact doubles, so two runs match only if they fill bit for bit alike.
 */
export function fillsDigest(fills: readonly Fill[]): string {
  const h = createHash('sha256');
  // Hashing is fed in 64 KiB blocks: one native call per fill would dominate the cost.
  const buf = Buffer.allocUnsafe(1 << 16);
  let at = 0;
  for (const f of fills) {
    const text = `${f.orderId}|${f.instrumentId}|${f.side}|${f.liquidity}|`;
    if (at + Buffer.byteLength(text) + 32 > buf.length) {
      h.update(buf.subarray(0, at));
      at = 0;
    }
    at += buf.write(text, at);
    at = buf.writeDoubleLE(f.ts, at);
    at = buf.writeDoubleLE(f.price, at);
    at = buf.writeDoubleLE(f.qty, at);
    at = buf.writeDoubleLE(f.fee, at);
  }
  h.update(buf.subarray(0, at));
  return h.digest('hex');
}

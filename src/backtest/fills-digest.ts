import { createHash } from 'node:crypto';
import type { Fill } from '../core/fill.ts';

/**
 * SHA-256 over every fill's (time, order, instrument, side, price, qty, fee) in order;
 * prices are hashed as exact doubles, so two runs match only if they fill bit for bit alike.
 */
export function fillsDigest(fills: readonly Fill[]): string {
  const h = createHash('sha256');
  const num = new Float64Array(4);
  const bytes = new Uint8Array(num.buffer);
  for (const f of fills) {
    h.update(`${f.orderId}|${f.instrumentId}|${f.side}|${f.liquidity}|`);
    num[0] = f.ts; num[1] = f.price; num[2] = f.qty; num[3] = f.fee;
    h.update(bytes);
  }
  return h.digest('hex');
}

import { createHash, type Hash } from 'node:crypto';
import type { Fill } from '../core/fill.ts';

/**
 * SHA-256 over every fill's (time, order, instrument, side, price, qty, fee) in order;
 * prices are hashed as exact doubles, so two runs match only if they fill bit for bit alike.
 * Fed block by block (a run whose fills go to disk as it runs), or whole (`fillsDigest`).
 */
export class FillsDigest {
  private readonly h: Hash = createHash('sha256');
  // Hashing is fed in 64 KiB blocks: one native call per fill would dominate the cost.
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private at = 0;

  add(fills: readonly Fill[]): this {
    const buf = this.buf;
    let at = this.at;
    for (const f of fills) {
      const text = `${f.orderId}|${f.instrumentId}|${f.side}|${f.liquidity}|`;
      if (at + Buffer.byteLength(text) + 32 > buf.length) {
        this.h.update(buf.subarray(0, at));
        at = 0;
      }
      at += buf.write(text, at);
      at = buf.writeDoubleLE(f.ts, at);
      at = buf.writeDoubleLE(f.price, at);
      at = buf.writeDoubleLE(f.qty, at);
      at = buf.writeDoubleLE(f.fee, at);
    }
    this.at = at;
    return this;
  }

  digest(): string {
    this.h.update(this.buf.subarray(0, this.at));
    this.at = 0;
    return this.h.digest('hex');
  }
}

export function fillsDigest(fills: readonly Fill[]): string {
  return new FillsDigest().add(fills).digest();
}

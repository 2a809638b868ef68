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
    for (const f of fills) {
      // Room for the text's UTF-8 (at most 3 bytes per UTF-16 unit), four separators and four doubles.
      const room = 3 * (f.orderId.length + f.instrumentId.length + f.side.length + f.liquidity.length) + 4 + 32;
      if (this.at + room > this.buf.length) this.flush();
      this.text(f.orderId);
      this.text(f.instrumentId);
      this.text(f.side);
      this.text(f.liquidity);
      const buf = this.buf;
      let at = this.at;
      at = buf.writeDoubleLE(f.ts, at);
      at = buf.writeDoubleLE(f.price, at);
      at = buf.writeDoubleLE(f.qty, at);
      this.at = buf.writeDoubleLE(f.fee, at);
    }
    return this;
  }

  /** Writes `s` as UTF-8 and a '|': ASCII byte by byte (ids are short; no string built, no native call), else by Buffer.write. */
  private text(s: string): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        at = this.at + buf.write(s, this.at);
        break;
      }
      buf[at++] = c;
    }
    buf[at++] = 124;
    this.at = at;
  }

  private flush(): void {
    this.h.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }

  digest(): string {
    this.flush();
    return this.h.digest('hex');
  }
}

export function fillsDigest(fills: readonly Fill[]): string {
  return new FillsDigest().add(fills).digest();
}

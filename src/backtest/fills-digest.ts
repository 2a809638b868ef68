import type { Hash } from 'node:crypto';
import { builtin } from '../core/builtin.ts';
import type { Fill } from '../core/fill.ts';
import type { FillLog } from '../engine/fill-log.ts';
import type { FillColumns } from '../engine/result-sink.ts';

/**
 * SHA-256 over every fill's (time, order, instrument, side, price, qty, fee) in order;
 * prices are hashed as exact doubles, so two runs match only if they fill bit for bit alike.
 * Fed block by block (a run whose fills go to disk as it runs), or whole (`fillsDigest`).
 */
export class FillsDigest {
  private readonly h: Hash = builtin('node:crypto').createHash('sha256');
  // Hashing is fed in 64 KiB blocks: one native call per fill would dominate the cost.
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private at = 0;

  add(fills: readonly Fill[]): this {
    for (const f of fills) this.row(f.orderId, f.instrumentId, f.side, f.liquidity, f.ts, f.price, f.qty, f.fee);
    return this;
  }

  /** Adds fills given as columns (a result sink's block). */
  addColumns(c: FillColumns): this {
    for (let k = 0; k < c.n; k++) this.row(c.orderId[k], c.instrumentId[k], c.side[k], c.liquidity[k], c.ts[k], c.price[k], c.qty[k], c.fee[k]);
    return this;
  }

  /** Adds one fill's fields. */
  row(orderId: string, instrumentId: string, side: string, liquidity: string, ts: number, price: number, qty: number, fee: number): void {
    // Room for the text's UTF-8 (at most 3 bytes per UTF-16 unit), four separators and four doubles.
    const room = 3 * (orderId.length + instrumentId.length + side.length + liquidity.length) + 4 + 32;
    if (this.at + room > this.buf.length) this.flush();
    this.text(orderId);
    this.text(instrumentId);
    this.text(side);
    this.text(liquidity);
    const buf = this.buf;
    let at = this.at;
    at = buf.writeDoubleLE(ts, at);
    at = buf.writeDoubleLE(price, at);
    at = buf.writeDoubleLE(qty, at);
    this.at = buf.writeDoubleLE(fee, at);
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

/** The digest of a list of fills, or of a run's fill log row by row (the same value for the same fills). */
export function fillsDigest(fills: readonly Fill[] | FillLog): string {
  const d = new FillsDigest();
  if (Array.isArray(fills)) return d.add(fills).digest();
  (fills as FillLog).eachRow((orderId, instrumentId, side, liquidity, ts, price, qty, fee) => d.row(orderId, instrumentId, side, liquidity, ts, price, qty, fee));
  return d.digest();
}

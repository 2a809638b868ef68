import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../core/fill.ts';
import { FillsDigest, fillsDigest } from './fills-digest.ts';

/** The documented format, hashed fill by fill: `orderId|instrumentId|side|liquidity|` as UTF-8, then ts, price, qty, fee as little-endian doubles. */
function referenceDigest(fills: readonly Fill[]): string {
  const h = createHash('sha256');
  for (const f of fills) {
    h.update(Buffer.from(`${f.orderId}|${f.instrumentId}|${f.side}|${f.liquidity}|`, 'utf8'));
    const b = Buffer.alloc(32);
    b.writeDoubleLE(f.ts, 0);
    b.writeDoubleLE(f.price, 8);
    b.writeDoubleLE(f.qty, 16);
    b.writeDoubleLE(f.fee, 24);
    h.update(b);
  }
  return h.digest('hex');
}

const fill = (i: number, orderId = `O-${i}`): Fill => ({
  seq: i + 1, orderId, instrumentId: 'BTC-PERP.THALEX', side: i % 2 === 0 ? 'buy' : 'sell', liquidity: i % 3 === 0 ? 'taker' : 'maker',
  price: 100 + i / 100, qty: 0.1 * (1 + (i % 5)), fee: 1e-4 * i, ts: 1.7e15 + 997 * i,
});

describe('fillsDigest', () => {
  it('equals SHA-256 of the documented per-fill bytes, across the 64 KiB block boundaries', () => {
    const fills = Array.from({ length: 20_000 }, (_, i) => fill(i));
    expect(fillsDigest(fills)).toBe(referenceDigest(fills));
  });

  it('encodes non-ASCII ids as UTF-8', () => {
    const fills = [fill(0, 'Ö-1'), fill(1, '注文-2'), fill(2, 'O-3'), fill(3, '🚀-4')];
    expect(fillsDigest(fills)).toBe(referenceDigest(fills));
  });

  it('is the same fed in blocks as whole, and changes with one bit of one price', () => {
    const fills = Array.from({ length: 5_000 }, (_, i) => fill(i));
    const blocks = new FillsDigest();
    for (let k = 0; k < fills.length; k += 777) blocks.add(fills.slice(k, k + 777));
    expect(blocks.digest()).toBe(fillsDigest(fills));
    const nudged = fills.map((f, i) => (i === 4_321 ? { ...f, price: f.price + Number.EPSILON * f.price } : f));
    expect(fillsDigest(nudged)).not.toBe(fillsDigest(fills));
  });
});

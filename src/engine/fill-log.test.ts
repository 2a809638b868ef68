import { describe, expect, it } from 'vitest';
import type { Fill } from '../core/fill.ts';
import { createRng } from '../core/rng.ts';
import { fillsDigest } from '../backtest/fills-digest.ts';
import { fillsAsColumns } from '../backtest/result-files.ts';
import { FillLog } from './fill-log.ts';
import { liveArrayBufferBytes, liveLargeObjectBytes } from '../../test/heap-spaces.ts';

/** `n` fills with every field drawn independently of the log (sides, liquidities, ids, awkward doubles). */
function randomFills(n: number, seed: number, firstSeq = 1): Fill[] {
  const rng = createRng(seed);
  const r = () => rng.next();
  return Array.from({ length: n }, (_, k) => ({
    seq: firstSeq + k, orderId: `o-${Math.floor(r() * 1e6)}`, instrumentId: r() < 0.5 ? 'BTC.X' : 'ÉTH.Y',
    side: r() < 0.5 ? 'buy' : 'sell', price: 100 + r() * 1e-3, qty: r() * 7, fee: (r() - 0.3) * 1e-4,
    liquidity: r() < 0.5 ? 'maker' : 'taker', ts: 1_700_000_000_000_000 + k * 37,
  }) as Fill);
}

function push(log: FillLog, fills: readonly Fill[]): void {
  for (const f of fills) log.push(f.orderId, f.instrumentId, f.side, f.price, f.qty, f.fee, f.liquidity, f.ts);
}

describe('FillLog (a run\'s fills as columns)', () => {
  it('gives back every fill pushed, field for field, across its 8,192-row blocks', () => {
    const fills = randomFills(140_000, 3);
    const log = new FillLog();
    push(log, fills);
    expect(log.length).toBe(140_000);
    expect(log.toArray()).toEqual(fills);
    for (const k of [0, 8_191, 8_192, 65_535, 65_536, 131_072, 139_999]) expect(log.at(k)).toEqual(fills[k]);
  });

  it('gives any range of rows as columns, field for field, across a block boundary', () => {
    const fills = randomFills(70_000, 4);
    const log = new FillLog();
    push(log, fills);
    const c = log.columns(65_000, 66_000);
    const part = fills.slice(65_000, 66_000);
    expect(c.n).toBe(1_000);
    expect([...c.seq]).toEqual(part.map((f) => f.seq));
    expect([...c.ts]).toEqual(part.map((f) => f.ts));
    expect([...c.price, ...c.qty, ...c.fee]).toEqual([...part.map((f) => f.price), ...part.map((f) => f.qty), ...part.map((f) => f.fee)]);
    expect([c.orderId, c.instrumentId, c.side, c.liquidity]).toEqual([part.map((f) => f.orderId), part.map((f) => f.instrumentId), part.map((f) => f.side), part.map((f) => f.liquidity)]);
    expect(c).toEqual(fillsAsColumns(part)); // the objects' way to the same columns
  });

  it('walks every row in order, field for field, across its blocks (the digest\'s way through a run\'s fills)', () => {
    const fills = randomFills(20_000, 6);
    const log = new FillLog();
    push(log, fills);
    const seen: unknown[][] = [];
    log.eachRow((...fields) => seen.push(fields));
    expect(seen).toEqual(fills.map((f) => [f.orderId, f.instrumentId, f.side, f.liquidity, f.ts, f.price, f.qty, f.fee]));
  });

  it('numbers the fills after a clear() on from the last one handed on', () => {
    const log = new FillLog();
    push(log, randomFills(10, 1));
    log.clear();
    expect(log.length).toBe(0);
    const next = randomFills(5, 2, 11);
    push(log, next);
    expect(log.toArray()).toEqual(next);
  });

  it('has the digest of the same fills as objects, and another when one fee moves by one ulp', () => {
    const fills = randomFills(20_000, 5);
    const log = new FillLog();
    push(log, fills);
    expect(fillsDigest(log)).toBe(fillsDigest(fills));
    const moved = fills.map((f, k) => (k === 12_345 ? { ...f, fee: f.fee + Math.abs(f.fee) * Number.EPSILON } : f));
    expect(moved[12_345].fee).not.toBe(fills[12_345].fee);
    expect(fillsDigest(moved)).not.toBe(fillsDigest(log));
  });
  it('holds no per-fill reference array: 300k fills add no large object (two of ~2.4 MB with arrays of ids)', () => {
    const ids = Array.from({ length: 64 }, (_, k) => `o-${k}`);
    const before = liveLargeObjectBytes();
    const log = new FillLog();
    for (let k = 0; k < 300_000; k++) log.push(ids[k & 63], k & 1 ? 'BTC.X' : 'ETH.X', 'buy', 100, 1, 0, 'maker', k);
    expect(liveLargeObjectBytes() - before).toBeLessThan(128 * 1024);
    expect(log.at(299_999)).toMatchObject({ orderId: 'o-31', instrumentId: 'BTC.X', ts: 299_999 });
  });
  it('a short log takes one block of memory, not a long log\'s: 100 fills hold under 512 KB of columns (37 bytes a row, 8,192 rows)', () => {
    const before = liveArrayBufferBytes();
    const log = new FillLog();
    push(log, randomFills(100, 7));
    expect(liveArrayBufferBytes() - before).toBeLessThan(512 << 10);
    expect(log.length).toBe(100);
  });
});

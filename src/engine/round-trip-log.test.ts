import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { tradesAsColumns } from '../backtest/result-files.ts';
import { RoundTripLog } from './round-trip-log.ts';
import { liveLargeObjectBytes } from '../../test/heap-spaces.ts';
import type { RoundTrip } from './trade-log.ts';

/** `n` round trips with every field drawn independently of the log (sides, tags, awkward doubles, NaN, −0). */
function randomTrips(n: number, seed: number): RoundTrip[] {
  const rng = createRng(seed);
  const r = () => rng.next();
  return Array.from({ length: n }, (_, k): RoundTrip => ({
    instrumentId: r() < 0.5 ? 'BTC.X' : 'ÉTH.Y', side: r() < 0.5 ? 'long' : 'short', qty: r() * 7,
    entryTs: 1_700_000_000_000_000 + k * 37, exitTs: 1_700_000_000_000_000 + k * 37 + Math.floor(r() * 1e6),
    entryPrice: 100 + r() * 1e-3, exitPrice: 100 + r() * 1e-3, pnl: (r() - 0.5) * 10, fees: r() * 1e-4, netPnl: (r() - 0.5) * 10,
    returnPct: r() < 0.01 ? Number.NaN : (r() - 0.5) * 0.1, bars: Math.floor(r() * 500), entryTag: r() < 0.3 ? `entry-${k % 7}` : '',
    exitTag: r() < 0.3 ? 'stop-loss' : '', mae: r() < 0.01 ? -0 : r() * 0.02, mfe: r() * 0.03,
  }));
}

function push(log: RoundTripLog, trips: readonly RoundTrip[]): void {
  for (const t of trips) log.push(t);
}

describe('RoundTripLog (a run\'s closed round trips as columns)', () => {
  it('gives back every round trip pushed, field for field, across its 8,192-row blocks', () => {
    const trips = randomTrips(20_000, 3);
    const log = new RoundTripLog();
    push(log, trips);
    expect(log.length).toBe(20_000);
    expect(log.toArray()).toEqual(trips);
    for (const k of [0, 8_191, 8_192, 16_384, 19_999]) expect(log.at(k)).toEqual(trips[k]);
    expect(Object.is(log.toArray().find((t, k) => Object.is(trips[k].mae, -0))?.mae, -0)).toBe(true);
  });

  it('copies the fields of the object it is given (the trade log reuses one)', () => {
    const log = new RoundTripLog();
    const [a, b] = randomTrips(2, 9);
    const reused = { ...a };
    log.push(reused);
    Object.assign(reused, b);
    log.push(reused);
    expect(log.toArray()).toEqual([a, b]);
  });

  it('gives any range of rows as columns across a block boundary, equal to the objects\' columns', () => {
    const trips = randomTrips(10_000, 4);
    const log = new RoundTripLog();
    push(log, trips);
    const part = trips.slice(8_000, 9_000);
    const c = log.columns(8_000, 9_000);
    expect(c.n).toBe(1_000);
    expect([...c.netPnl]).toEqual(part.map((t) => t.netPnl));
    expect([...c.mfe]).toEqual(part.map((t) => t.mfe));
    expect(c.side).toEqual(part.map((t) => t.side));
    expect([c.instrumentId, c.entryTag, c.exitTag]).toEqual([part.map((t) => t.instrumentId), part.map((t) => t.entryTag), part.map((t) => t.exitTag)]);
    expect(c).toEqual(tradesAsColumns(part));
  });

  it('gives the net P&Ls in closing order, and holds nothing after clear()', () => {
    const trips = randomTrips(9_000, 5);
    const log = new RoundTripLog();
    push(log, trips);
    expect(log.netPnls()).toEqual(trips.map((t) => t.netPnl));
    log.clear();
    expect([log.length, log.netPnls(), log.toArray()]).toEqual([0, [], []]);
    const next = randomTrips(3, 6);
    push(log, next);
    expect(log.toArray()).toEqual(next);
  });
  it('holds no per-trip reference array: 300k trips add no large object (three of ~2.4 MB with arrays of ids and tags)', () => {
    const [t] = randomTrips(1, 9);
    const before = liveLargeObjectBytes();
    const log = new RoundTripLog();
    for (let k = 0; k < 300_000; k++) log.push({ ...t, exitTag: k & 1 ? 'stop-loss' : '', bars: k });
    expect(liveLargeObjectBytes() - before).toBeLessThan(128 * 1024);
    expect(log.at(299_999)).toEqual({ ...t, exitTag: 'stop-loss', bars: 299_999 });
  });
});

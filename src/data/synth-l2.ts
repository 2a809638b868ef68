import { createRng, type Rng } from '../core/rng.ts';
import { allocDeltas, allocTrades, DeltaFlag, type DeltaBatch, type TradeBatch } from './tick-batch.ts';

export interface SynthL2Options {
  /** Market events to generate (deltas + trades). */
  events: number;
  seed: number;
  /** Starting price (default 100). */
  price?: number;
  /** Tick size (default 0.01). */
  tick?: number;
  /** Exchange time of the first event, µs (default 2024-01-01). */
  start?: number;
  /** Mean gap between order-book actions, µs (default 200). */
  meanGapMicros?: number;
  /** Events per chunk yielded (default 1,000,000). */
  chunk?: number;
}

/** One chunk of a synthetic stream: book deltas and trades, both in time order. */
export interface SynthChunk {
  deltas: DeltaBatch;
  trades: TradeBatch;
}

const exp = (rng: Rng, mean: number): number => -Math.log(1 - rng.next()) * mean;

/**
 * A deterministic L2 + trades stream with the structure of a real book: limit orders
 * arrive (Poisson) at geometric distances from the touch, cancellations thin the levels,
 * market orders (with a slowly drifting buy/sell imbalance that moves the price) sweep
 * levels and print trades; the spread widens and narrows as the touch is consumed and
 * refilled. Feed latency (local − exchange time) is ~300 µs with jitter. Starts with a
 * snapshot. Same options ⇒ same events, whatever the chunk size.
 */
export function* synthL2(o: SynthL2Options): Generator<SynthChunk> {
  const rng = createRng(o.seed);
  const tick = o.tick ?? 0.01;
  const chunk = o.chunk ?? 1_000_000;
  const gap = o.meanGapMicros ?? 200;
  let ts = o.start ?? Date.UTC(2024, 0, 1) * 1000;
  let localLast = ts;
  // Book in integer ticks: bids[k] / asks[k] sizes by price index.
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  let bestBid = Math.round((o.price ?? 100) / tick) - 1;
  let bestAsk = bestBid + 2;
  for (let k = 0; k < 25; k++) {
    bids.set(bestBid - k, Math.round((1 + exp(rng, 4)) * 1000) / 1000);
    asks.set(bestAsk + k, Math.round((1 + exp(rng, 4)) * 1000) / 1000);
  }
  let imbalance = 0;
  let produced = 0;
  let d = allocDeltas(chunk + 4096);
  let t = allocTrades(chunk + 4096);
  const pushDelta = (side: 1 | -1, idx: number, size: number, flags: number, local: number) => {
    const i = d.length++;
    d.ts[i] = ts; d.tsLocal[i] = local; d.side[i] = side; d.price[i] = Number((idx * tick).toFixed(10)); d.qty[i] = size; d.flags[i] = flags;
  };
  const local = () => (localLast = Math.max(localLast, ts + 250 + Math.round(exp(rng, 50))));
  // Opening snapshot.
  {
    const l = local();
    const levels = [...[...bids].map(([k, s]) => [1, k, s] as const), ...[...asks].map(([k, s]) => [-1, k, s] as const)];
    levels.forEach(([side, k, s], j) => pushDelta(side, k, s, DeltaFlag.snapshot | (j === 0 ? DeltaFlag.clear : 0) | (j === levels.length - 1 ? DeltaFlag.last : 0), l));
    produced += levels.length;
  }
  const best = (m: Map<number, number>, bid: boolean): number => {
    let b = bid ? -Infinity : Infinity;
    for (const k of m.keys()) if (bid ? k > b : k < b) b = k;
    return b;
  };
  while (produced < o.events) {
    ts += Math.max(1, Math.round(exp(rng, gap)));
    const l = local();
    imbalance = imbalance * 0.999 + (rng.next() - 0.5) * 0.05;
    const u = rng.next();
    if (u < 0.5) {
      // Limit order: geometric distance behind the touch; sometimes inside the spread.
      const side: 1 | -1 = rng.next() < 0.5 ? 1 : -1;
      let dist = Math.floor(exp(rng, 3));
      if (bestAsk - bestBid > 1 && rng.next() < 0.3) dist = -1;
      const idx = side === 1 ? bestBid - dist : bestAsk + dist;
      if (side === 1 ? idx >= bestAsk : idx <= bestBid) continue;
      const book = side === 1 ? bids : asks;
      const size = Math.round(((book.get(idx) ?? 0) + 0.1 + exp(rng, 1.5)) * 1000) / 1000;
      book.set(idx, size);
      if (side === 1 && idx > bestBid) bestBid = idx;
      if (side === -1 && idx < bestAsk) bestAsk = idx;
      pushDelta(side, idx, size, DeltaFlag.last, l);
      produced++;
    } else if (u < 0.9) {
      // Cancellation: part or all of a level near the touch (never the last few levels).
      const side: 1 | -1 = rng.next() < 0.5 ? 1 : -1;
      const book = side === 1 ? bids : asks;
      if (book.size <= 8) continue;
      const idx = side === 1 ? bestBid - Math.floor(exp(rng, 4)) : bestAsk + Math.floor(exp(rng, 4));
      const cur = book.get(idx);
      if (cur === undefined) continue;
      const size = rng.next() < 0.4 ? 0 : Math.round(cur * rng.next() * 1000) / 1000;
      if (size <= 0) book.delete(idx);
      else book.set(idx, size);
      if (size <= 0 && idx === bestBid) bestBid = best(bids, true);
      if (size <= 0 && idx === bestAsk) bestAsk = best(asks, false);
      pushDelta(side, idx, size, DeltaFlag.last, l);
      produced++;
    } else {
      // Market order: sweeps from the touch, printing one trade per level taken.
      const aggressor: 1 | -1 = rng.next() < 0.5 + Math.tanh(imbalance) * 0.3 ? 1 : -1;
      const book = aggressor === 1 ? asks : bids;
      if (book.size <= 8) continue;
      let qty = Math.round((0.05 + exp(rng, 1.2)) * 1000) / 1000;
      while (qty > 1e-9 && book.size > 8) {
        const idx = aggressor === 1 ? bestAsk : bestBid;
        const lvl = book.get(idx)!;
        const take = Math.min(lvl, qty);
        const ti = t.length++;
        t.ts[ti] = ts; t.tsLocal[ti] = l; t.price[ti] = Number((idx * tick).toFixed(10)); t.qty[ti] = Math.round(take * 1000) / 1000; t.aggressor[ti] = aggressor;
        qty -= take;
        const left = Math.round((lvl - take) * 1000) / 1000;
        if (left <= 0) {
          book.delete(idx);
          if (aggressor === 1) bestAsk = best(asks, false);
          else bestBid = best(bids, true);
        } else book.set(idx, left);
        pushDelta(aggressor === 1 ? -1 : 1, idx, Math.max(0, left), qty > 1e-9 && book.size > 8 ? 0 : DeltaFlag.last, l);
        produced += 2;
      }
      d.flags[d.length - 1] |= DeltaFlag.last;
    }
    if (d.length >= chunk || t.length >= chunk) {
      yield { deltas: d, trades: t };
      d = allocDeltas(chunk + 4096);
      t = allocTrades(chunk + 4096);
    }
  }
  if (d.length > 0 || t.length > 0) yield { deltas: d, trades: t };
}

import { L2Book } from '../book/l2-book.ts';
import { createRng, normal } from '../core/rng.ts';
import { allocDeltas, allocTrades, DeltaFlag, type DeltaBatch, type TradeBatch } from './tick-batch.ts';
import { synthL2, type SynthChunk, type SynthL2Options } from './synth-l2.ts';

export interface SynthPairOptions extends SynthL2Options {
  /** Venue B sees every event this much later (µs, default 3,000). */
  lagMicros?: number;
  /** Mean time between basis moves of venue B (µs, default 2 s). */
  basisEveryMicros?: number;
  /** Standard deviation of a basis move, ticks (default 10); the basis mean-reverts (×0.7 per move). */
  basisTicks?: number;
}

/** One chunk of both venues: A is the synthetic market, B follows it with a lag and a basis. */
export interface SynthPairChunk {
  a: SynthChunk;
  b: { deltas: DeltaBatch; trades: TradeBatch };
}

/**
 * Two synchronized feeds of one instrument on two venues: venue A is `synthL2`; venue B
 * shows the same book and trades `lagMicros` later and shifted by a basis (whole ticks)
 * that jumps every ~`basisEveryMicros` and mean-reverts — the price gaps a cross-venue
 * arbitrage trades. When the basis moves, B's book is re-sent as a snapshot at the new
 * offset. Deterministic per seed.
 */
export function* synthVenuePair(o: SynthPairOptions): Generator<SynthPairChunk> {
  const tick = o.tick ?? 0.01;
  const lag = o.lagMicros ?? 3000;
  const every = o.basisEveryMicros ?? 2e6;
  const sd = o.basisTicks ?? 10;
  const rng = createRng(o.seed * 7919 + 1);
  const book = new L2Book();
  let basis = 0;
  let nextMove = -1;
  const px = (p: number) => Number((p + basis * tick).toFixed(10));
  for (const a of synthL2(o)) {
    const d = a.deltas;
    const t = a.trades;
    const bd = allocDeltas(d.length * 2 + 20_000);
    const bt = allocTrades(t.length);
    let ti = 0;
    const pushTradesUpTo = (ts: number) => {
      for (; ti < t.length && t.ts[ti] <= ts; ti++) {
        const j = bt.length++;
        bt.ts[j] = t.ts[ti] + lag; bt.tsLocal[j] = t.tsLocal[ti] + lag; bt.price[j] = px(t.price[ti]); bt.qty[j] = t.qty[ti]; bt.aggressor[j] = t.aggressor[ti];
      }
    };
    for (let i = 0; i < d.length; i++) {
      const ts = d.ts[i];
      pushTradesUpTo(ts);
      if ((d.flags[i] & DeltaFlag.clear) !== 0) book.clear();
      book.apply(d.side[i] as 1 | -1, d.price[i], d.qty[i]);
      let j = bd.length++;
      bd.ts[j] = ts + lag; bd.tsLocal[j] = d.tsLocal[i] + lag; bd.side[j] = d.side[i]; bd.price[j] = px(d.price[i]); bd.qty[j] = d.qty[i]; bd.flags[j] = d.flags[i];
      if (nextMove < 0) nextMove = ts + every;
      // Move the basis only between atomic updates, then re-send B's whole book.
      if (ts >= nextMove && (d.flags[i] & DeltaFlag.last) !== 0) {
        nextMove = ts - Math.log(1 - rng.next()) * every;
        const nb = Math.round(basis * 0.7 + sd * normal(rng));
        if (nb === basis) continue;
        basis = nb;
        const levels: [1 | -1, number, number][] = [];
        for (let k = 0; k < book.bids.levels; k++) levels.push([1, book.bids.priceAt(k), book.bids.sizeAt(k)]);
        for (let k = 0; k < book.asks.levels; k++) levels.push([-1, book.asks.priceAt(k), book.asks.sizeAt(k)]);
        levels.forEach(([side, p, s], n) => {
          j = bd.length++;
          bd.ts[j] = ts + lag; bd.tsLocal[j] = d.tsLocal[i] + lag; bd.side[j] = side; bd.price[j] = px(p); bd.qty[j] = s;
          bd.flags[j] = DeltaFlag.snapshot | (n === 0 ? DeltaFlag.clear : 0) | (n === levels.length - 1 ? DeltaFlag.last : 0);
        });
      }
    }
    pushTradesUpTo(Infinity);
    yield { a, b: { deltas: bd, trades: bt } };
  }
}

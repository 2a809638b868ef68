import { synthL2 } from '../../data/synth-l2.ts';
import { DeltaFlag } from '../../data/tick-batch.ts';
import type { LoopbackExchange } from './loopback-exchange.ts';

/** A running synthetic market: `pause` stops the flow (stale-feed tests), `stop` ends it. */
export interface SynthFeed {
  paused: boolean;
  stop(): void;
}

/**
 * Drives a loopback exchange's market from the synthetic L2 + trades generator: `perTick`
 * book deltas (with the trades between them) every `everyMs` milliseconds. The first tick
 * runs at once, so the exchange has a book before clients connect.
 */
export function startSynthFeed(ex: LoopbackExchange, o: { events: number; seed: number; perTick?: number; everyMs?: number }): SynthFeed {
  const { deltas: d, trades: t } = synthL2({ events: o.events, seed: o.seed, chunk: Math.max(o.events, 1) + 1 }).next().value!;
  const per = o.perTick ?? 30;
  let i = 0;
  let j = 0;
  const feed: SynthFeed = { paused: false, stop: () => clearInterval(timer) };
  const step = () => {
    if (feed.paused) return;
    for (let k = 0; k < per && i < d.length; k++, i++) {
      while (j < t.length && t.ts[j] <= d.ts[i]) {
        ex.onTrade({ instrumentId: ex.instrument.id, instrumentIndex: 0, ts: t.ts[j], tsLocal: t.ts[j], price: t.price[j], qty: t.qty[j], aggressor: t.aggressor[j] as 1 | -1 | 0 });
        j++;
      }
      const f = d.flags[i];
      ex.onDelta({
        instrumentId: ex.instrument.id, instrumentIndex: 0, ts: d.ts[i], tsLocal: d.ts[i], side: d.side[i] as 1 | -1, price: d.price[i], qty: d.qty[i],
        isSnapshot: (f & DeltaFlag.snapshot) !== 0, clear: (f & DeltaFlag.clear) !== 0, last: (f & DeltaFlag.last) !== 0,
      });
    }
  };
  step();
  const timer = setInterval(step, o.everyMs ?? 2);
  return feed;
}

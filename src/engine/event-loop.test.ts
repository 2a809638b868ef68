import { describe, expect, it } from 'vitest';
import type { BarView } from '../core/events.ts';
import { runEventLoop } from './event-loop.ts';
import type { EventSink, EventSource } from './event-source.ts';

/** A source over fixed timestamps split into batches, emitting bars tagged with its name. */
class ListSource implements EventSource {
  private b = -1;
  private i = 0;
  constructor(readonly name: string, private readonly batches: number[][]) {}
  needsLoad(): boolean {
    return this.b < this.batches.length && (this.b < 0 || this.i >= this.batches[this.b].length);
  }
  async load(): Promise<void> {
    this.b++;
    this.i = 0;
  }
  peekTs(): number {
    const batch = this.batches[this.b];
    return batch && this.i < batch.length ? batch[this.i] : Infinity;
  }
  emitUntil(limit: number, inclusive: boolean, sink: EventSink): number {
    const batch = this.batches[this.b];
    let n = 0;
    while (batch && this.i < batch.length) {
      const t = batch[this.i];
      if (t > limit || (t === limit && !inclusive)) break;
      this.i++;
      n++;
      sink.onBar({ instrumentId: this.name, ts: t } as BarView);
    }
    return n;
  }
}

function collect(): { sink: EventSink; seen: string[] } {
  const seen: string[] = [];
  const sink: EventSink = {
    onBar: (b) => seen.push(`${b.ts}${b.instrumentId}`), onTrade: () => {}, onQuote: () => {}, onBookDelta: () => {},
  };
  return { sink, seen };
}

describe('runEventLoop', () => {
  it('merges sources in time order, ties in source order, across batch boundaries', async () => {
    const { sink, seen } = collect();
    const n = await runEventLoop([
      new ListSource('a', [[1, 3], [5, 7]]),
      new ListSource('b', [[2, 3, 3], [], [8]]),
      new ListSource('c', [[0], [3, 9]]),
    ], sink);
    expect(seen).toEqual(['0c', '1a', '2b', '3a', '3b', '3b', '3c', '5a', '7a', '8b', '9c']);
    expect(n).toBe(11);
  });

  it('matches a sort of all events for random inputs (second implementation)', async () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const k = 1 + Math.floor(rnd() * 5);
      const all: Array<[number, number]> = [];
      const sources = Array.from({ length: k }, (_, s) => {
        let t = 0;
        const batches: number[][] = [];
        for (let b = Math.floor(rnd() * 4); b >= 0; b--) {
          const batch: number[] = [];
          for (let j = Math.floor(rnd() * 6); j > 0; j--) {
            t += Math.floor(rnd() * 3);
            batch.push(t);
            all.push([t, s]);
          }
          batches.push(batch);
        }
        return new ListSource(String.fromCharCode(97 + s), batches);
      });
      const { sink, seen } = collect();
      await runEventLoop(sources, sink);
      all.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      expect(seen).toEqual(all.map(([t, s]) => `${t}${String.fromCharCode(97 + s)}`));
    }
  });
});

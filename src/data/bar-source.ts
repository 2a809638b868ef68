import { emptyBarView, type BarView } from '../core/events.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSink, EventSource } from '../engine/event-source.ts';
import type { BarBatch } from './bar-batch.ts';

/** Replays bar batches of one instrument through a single reused view. */
export class BarSource implements EventSource {
  readonly name: string;
  private readonly it: AsyncIterator<BarBatch>;
  private batch: BarBatch | null = null;
  private i = 0;
  private done = false;
  private readonly view: BarView;
  /** Bars emitted so far. */
  emitted = 0;

  constructor(name: string, batches: AsyncIterable<BarBatch>, instrument: Instrument, instrumentIndex: number) {
    this.name = name;
    this.it = batches[Symbol.asyncIterator]();
    this.view = emptyBarView();
    this.view.instrumentId = instrument.id;
    this.view.instrumentIndex = instrumentIndex;
  }

  needsLoad(): boolean {
    return !this.done && (this.batch === null || this.i >= this.batch.length);
  }

  async load(): Promise<void> {
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      this.batch = null;
    } else {
      this.batch = r.value;
    }
    this.i = 0;
  }

  peekTs(): number {
    return this.batch === null || this.i >= this.batch.length ? Infinity : this.batch.ts[this.i];
  }

  emitUntil(limit: number, inclusive: boolean, sink: EventSink): number {
    const b = this.batch;
    if (b === null) return 0;
    const { ts, open, high, low, close, volume } = b;
    const n = b.length;
    const v = this.view;
    let i = this.i;
    const start = i;
    while (i < n) {
      const t = ts[i];
      if (t > limit || (t === limit && !inclusive)) break;
      v.ts = t;
      v.tsLocal = t;
      v.open = open[i];
      v.high = high[i];
      v.low = low[i];
      v.close = close[i];
      v.volume = volume[i];
      i++;
      this.i = i; // keep position exact if a handler throws
      sink.onBar(v);
    }
    this.emitted += i - start;
    return i - start;
  }
}

import { emptyBarView, type BarView } from '../core/events.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSink } from '../engine/event-source.ts';
import type { BarBatch } from './bar-batch.ts';
import { BatchSource } from './batch-source.ts';

/** Replays bar batches of one instrument through a single reused view. */
export class BarSource extends BatchSource<BarBatch> {
  private readonly view: BarView;

  constructor(name: string, batches: AsyncIterable<BarBatch>, instrument: Instrument, instrumentIndex: number, recycle?: (b: BarBatch) => void) {
    super(name, batches, recycle);
    this.view = emptyBarView();
    this.view.instrumentId = instrument.id;
    this.view.instrumentIndex = instrumentIndex;
  }

  protected timesOf(b: BarBatch): Float64Array {
    return b.ts;
  }

  protected emitRange(b: BarBatch, limit: number, inclusive: boolean, sink: EventSink): void {
    const { ts, open, high, low, close, volume } = b;
    const n = b.length;
    const v = this.view;
    let i = this.i;
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
  }
}

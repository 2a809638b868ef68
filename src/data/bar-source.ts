import type { Instrument } from '../core/instrument.ts';
import type { EventSink } from '../engine/event-source.ts';
import type { BarBatch } from './bar-batch.ts';
import { BatchSource } from './batch-source.ts';
import { columnBarView, viewColumns, type ColumnBarView } from './column-bar-view.ts';

/** Replays bar batches of one instrument through a single reused view over the batch's columns. */
export class BarSource extends BatchSource<BarBatch> {
  private readonly view: ColumnBarView;

  constructor(name: string, batches: AsyncIterable<BarBatch>, instrument: Instrument, instrumentIndex: number, recycle?: (b: BarBatch) => void) {
    super(name, batches, recycle);
    this.view = columnBarView(instrument.id, instrumentIndex);
  }

  protected timesOf(b: BarBatch): Float64Array {
    return b.ts;
  }

  protected emitRange(b: BarBatch, limit: number, inclusive: boolean, sink: EventSink): void {
    const ts = b.ts;
    const n = b.length;
    const v = this.view;
    viewColumns(v, b);
    let i = this.i;
    try {
      while (i < n) {
        const t = ts[i];
        if (t > limit || (t === limit && !inclusive)) break;
        v.row = i;
        i++;
        sink.onBar(v);
      }
    } finally {
      this.i = i; // the position exact when a handler throws too
    }
  }
}

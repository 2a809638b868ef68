import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import { DataError, LockstepError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSink, EventSource } from '../engine/event-source.ts';
import { DeltaFlag, type DeltaBatch, type QuoteBatch, type TradeBatch } from './tick-batch.ts';

/** Batches of one kind, replayed in local-timestamp order (what the strategy sees when). */
abstract class TickSource<B extends { length: number; tsLocal: Float64Array; firstRow: number }> implements EventSource {
  protected batch: B | null = null;
  protected i = 0;
  private done = false;
  private readonly it: AsyncIterator<B>;
  /** Events emitted so far. */
  emitted = 0;

  constructor(readonly name: string, batches: AsyncIterable<B>) {
    this.it = batches[Symbol.asyncIterator]();
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
    return this.batch === null || this.i >= this.batch.length ? Infinity : this.batch.tsLocal[this.i];
  }

  emitUntil(limit: number, inclusive: boolean, sink: EventSink): number {
    const b = this.batch;
    if (b === null) return 0;
    const start = this.i;
    try {
      this.emitRange(b, limit, inclusive, sink);
    } catch (e) {
      // Data problems found while applying an event (a crossed book, say) name the file and row.
      if (e instanceof LockstepError && e.code === 'data' && !(e instanceof DataError)) {
        throw new DataError({ file: this.name, row: b.firstRow + this.i - 1 }, e.message, 'Check the file, or choose another policy');
      }
      throw e;
    }
    this.emitted += this.i - start;
    return this.i - start;
  }

  protected abstract emitRange(b: B, limit: number, inclusive: boolean, sink: EventSink): void;
}

/** Replays trades. */
export class TradeSource extends TickSource<TradeBatch> {
  private readonly v: TradeView;
  constructor(name: string, batches: AsyncIterable<TradeBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, price: 0, qty: 0, aggressor: 0 };
  }
  protected emitRange(b: TradeBatch, limit: number, inclusive: boolean, sink: EventSink): void {
    const v = this.v;
    const n = b.length;
    while (this.i < n) {
      const i = this.i;
      const t = b.tsLocal[i];
      if (t > limit || (t === limit && !inclusive)) break;
      v.ts = b.ts[i]; v.tsLocal = t; v.price = b.price[i]; v.qty = b.qty[i]; v.aggressor = b.aggressor[i] as 1 | -1 | 0;
      this.i = i + 1;
      sink.onTrade(v);
    }
  }
}

/** Replays top-of-book quotes. */
export class QuoteSource extends TickSource<QuoteBatch> {
  private readonly v: QuoteView;
  constructor(name: string, batches: AsyncIterable<QuoteBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, bidPrice: 0, bidSize: 0, askPrice: 0, askSize: 0 };
  }
  protected emitRange(b: QuoteBatch, limit: number, inclusive: boolean, sink: EventSink): void {
    const v = this.v;
    const n = b.length;
    while (this.i < n) {
      const i = this.i;
      const t = b.tsLocal[i];
      if (t > limit || (t === limit && !inclusive)) break;
      v.ts = b.ts[i]; v.tsLocal = t; v.bidPrice = b.bidPrice[i]; v.bidSize = b.bidSize[i]; v.askPrice = b.askPrice[i]; v.askSize = b.askSize[i];
      this.i = i + 1;
      sink.onQuote(v);
    }
  }
}

/** Replays L2 book deltas. */
export class DeltaSource extends TickSource<DeltaBatch> {
  private readonly v: BookDeltaView;
  constructor(name: string, batches: AsyncIterable<DeltaBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, side: 1, price: 0, qty: 0, isSnapshot: false, clear: false, last: true };
  }
  protected emitRange(b: DeltaBatch, limit: number, inclusive: boolean, sink: EventSink): void {
    const v = this.v;
    const n = b.length;
    while (this.i < n) {
      const i = this.i;
      const t = b.tsLocal[i];
      if (t > limit || (t === limit && !inclusive)) break;
      const f = b.flags[i];
      v.ts = b.ts[i]; v.tsLocal = t; v.side = b.side[i] as 1 | -1; v.price = b.price[i]; v.qty = b.qty[i];
      v.isSnapshot = (f & DeltaFlag.snapshot) !== 0; v.clear = (f & DeltaFlag.clear) !== 0; v.last = (f & DeltaFlag.last) !== 0;
      this.i = i + 1;
      sink.onBookDelta(v);
    }
  }
}

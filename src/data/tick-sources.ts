import type { BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSink } from '../engine/event-source.ts';
import { BatchSource } from './batch-source.ts';
import { DeltaFlag, type DeltaBatch, type QuoteBatch, type TradeBatch } from './tick-batch.ts';

/** Replays trades. */
export class TradeSource extends BatchSource<TradeBatch> {
  private readonly v: TradeView;
  constructor(name: string, batches: AsyncIterable<TradeBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, price: 0, qty: 0, aggressor: 0 };
  }
  protected timesOf(b: TradeBatch): Float64Array {
    return b.tsLocal;
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
export class QuoteSource extends BatchSource<QuoteBatch> {
  private readonly v: QuoteView;
  constructor(name: string, batches: AsyncIterable<QuoteBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, bidPrice: 0, bidSize: 0, askPrice: 0, askSize: 0 };
  }
  protected timesOf(b: QuoteBatch): Float64Array {
    return b.tsLocal;
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
export class DeltaSource extends BatchSource<DeltaBatch> {
  private readonly v: BookDeltaView;
  constructor(name: string, batches: AsyncIterable<DeltaBatch>, inst: Instrument, slot: number) {
    super(name, batches);
    this.v = { instrumentId: inst.id, instrumentIndex: slot, ts: 0, tsLocal: 0, side: 1, price: 0, qty: 0, isSnapshot: false, clear: false, last: true };
  }
  protected timesOf(b: DeltaBatch): Float64Array {
    return b.tsLocal;
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

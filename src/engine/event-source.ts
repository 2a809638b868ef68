import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';

/** Receives normalized market events; implemented by the engine. */
export interface EventSink {
  onBar(bar: BarView): void;
  onTrade(trade: TradeView): void;
  onQuote(quote: QuoteView): void;
  onBookDelta(delta: BookDeltaView): void;
}

/**
 * A time-ordered stream of market events held as columnar batches. The loop asks for the
 * next timestamp, then lets the source emit a run of events in one tight inner loop.
 */
export interface EventSource {
  /** Name used in error messages (usually the file). */
  readonly name: string;
  /** Timestamp of the next event; Infinity when exhausted. Valid only when `needsLoad()` is false. */
  peekTs(): number;
  /** True when the current batch is used up and `load()` must be awaited before peeking. */
  needsLoad(): boolean;
  /** Fetches the next batch (I/O happens here, at the edge of the loop). */
  load(): Promise<void>;
  /**
   * Emits events in order while their timestamp is below `limit` (or equal to it when
   * `inclusive`), stopping early at the end of the batch. Returns the number emitted.
   */
  emitUntil(limit: number, inclusive: boolean, sink: EventSink): number;
}

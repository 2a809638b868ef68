import { DataError, LockstepError } from '../core/errors.ts';
import type { EventSink, EventSource } from '../engine/event-source.ts';

/**
 * Batches of one event kind replayed in time order through the event loop: loading,
 * peeking and error location are shared; subclasses fill their view in `emitRange`.
 * Ticks are ordered by local time (what the strategy sees when), bars by their stamp.
 */
export abstract class BatchSource<B extends { length: number; firstRow: number }> implements EventSource {
  protected batch: B | null = null;
  protected i = 0;
  private done = false;
  private readonly it: AsyncIterator<B>;
  /** Events emitted so far. */
  emitted = 0;

  /** @param recycle takes each batch back once it has been replayed (the reader may refill it) */
  constructor(readonly name: string, batches: AsyncIterable<B>, private readonly recycle?: (b: B) => void) {
    this.it = batches[Symbol.asyncIterator]();
  }

  needsLoad(): boolean {
    return !this.done && (this.batch === null || this.i >= this.batch.length);
  }

  async load(): Promise<void> {
    // Replayed: nothing here reads it again (events were handed on in a reused view).
    if (this.batch !== null && this.recycle) this.recycle(this.batch);
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
    return this.batch === null || this.i >= this.batch.length ? Infinity : this.timesOf(this.batch)[this.i];
  }

  /** The column events are ordered by. */
  protected abstract timesOf(b: B): Float64Array;

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


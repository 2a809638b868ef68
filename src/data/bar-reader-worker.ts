import { parentPort, workerData } from 'node:worker_threads';
import { LockstepError, DataError } from '../core/errors.ts';
import type { BarBatch } from './bar-batch.ts';
import { openBars, type ReadBarsOptions } from './read-bars.ts';

/** Batches the worker may have in flight before the reader thread waits for the consumer. */
export const MAX_IN_FLIGHT = 3;

/** Messages from the reader thread. */
export type ReaderMessage =
  | { type: 'batch'; batch: BarBatch }
  | { type: 'end'; format: string; badRows: { skipped: number; examples: string[] }; filtered: number }
  | { type: 'error'; name: string; code?: string; message: string; location?: DataError['location']; fix?: string };

/**
 * Worker thread body: reads and validates one bar file with `openBars` and posts its
 * batches (column buffers transferred, not copied), at most MAX_IN_FLIGHT ahead of the
 * consumer, which sends 'pull' for each batch it takes.
 */
async function serve(file: string, opts: ReadBarsOptions): Promise<void> {
  const port = parentPort!;
  let credits = MAX_IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', (m: string) => {
    if (m === 'pull') {
      credits++;
      wake?.();
    }
  });
  try {
    const s = await openBars(file, opts);
    for await (const b of s.batches) {
      while (credits === 0) await new Promise<void>((r) => { wake = r; });
      wake = null;
      credits--;
      const batch: BarBatch = {
        length: b.length, ts: b.ts.slice(0, b.length), open: b.open.slice(0, b.length), high: b.high.slice(0, b.length),
        low: b.low.slice(0, b.length), close: b.close.slice(0, b.length), volume: b.volume.slice(0, b.length),
        row: b.row === null ? null : b.row.slice(0, b.length), firstRow: b.firstRow,
      };
      const transfer = [batch.ts, batch.open, batch.high, batch.low, batch.close, batch.volume, ...(batch.row ? [batch.row] : [])].map((a) => a.buffer);
      port.postMessage({ type: 'batch', batch } satisfies ReaderMessage, transfer as ArrayBuffer[]);
    }
    port.postMessage({ type: 'end', format: s.format, badRows: s.badRows.report, filtered: s.filtered.count } satisfies ReaderMessage);
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      type: 'error', name: err.name, message: err.message,
      ...(e instanceof LockstepError ? { code: e.code } : {}),
      ...(e instanceof DataError ? { location: e.location, fix: e.fix } : {}),
    } satisfies ReaderMessage);
  } finally {
    port.close();
  }
}

if (parentPort && workerData?.kind === 'lockstep-bar-reader') {
  await serve(workerData.file as string, workerData.opts as ReadBarsOptions);
}

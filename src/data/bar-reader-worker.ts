import { parentPort, workerData } from 'node:worker_threads';
import { creditGate, toWire, transferables, type WireError } from './reader-thread.ts';
import type { BarBatch } from './bar-batch.ts';
import { openBars, type ReadBarsOptions, type RowsSeen } from './read-bars.ts';

/** Batches the worker may have in flight before the reader thread waits for the consumer. */
export const MAX_IN_FLIGHT = 3;

/** Messages from the reader thread. */
export type ReaderMessage =
  | { type: 'batch'; batch: BarBatch }
  | { type: 'end'; format: string; badRows: { skipped: number; examples: string[] }; filtered: RowsSeen }
  | WireError;

/**
 * Worker thread body: reads and validates one bar file with `openBars` and posts its
 * batches (column buffers transferred, not copied), at most MAX_IN_FLIGHT ahead of the
 * consumer, which sends 'pull' for each batch it takes.
 */
async function serve(file: string, opts: ReadBarsOptions): Promise<void> {
  const port = parentPort!;
  const gate = creditGate(port, MAX_IN_FLIGHT);
  try {
    const s = await openBars(file, opts);
    for await (const b of s.batches) {
      await gate.take();
      const batch: BarBatch = {
        length: b.length, ts: b.ts.subarray(0, b.length), open: b.open.subarray(0, b.length), high: b.high.subarray(0, b.length),
        low: b.low.subarray(0, b.length), close: b.close.subarray(0, b.length), volume: b.volume.subarray(0, b.length),
        row: b.row === null ? null : b.row.subarray(0, b.length), firstRow: b.firstRow,
      };
      const transfer = transferables(batch as unknown as Record<string, unknown>);
      port.postMessage({ type: 'batch', batch } satisfies ReaderMessage, transfer);
    }
    port.postMessage({ type: 'end', format: s.format, badRows: s.badRows.report, filtered: s.filtered } satisfies ReaderMessage);
  } catch (e) {
    port.postMessage(toWire(e) satisfies ReaderMessage);
  } finally {
    port.close();
  }
}

if (parentPort && workerData?.kind === 'lockstep-bar-reader') {
  await serve(workerData.file as string, workerData.opts as ReadBarsOptions);
}

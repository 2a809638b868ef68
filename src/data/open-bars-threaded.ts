import { startWorker, workerEntry } from './worker-files.ts';
import { stat } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { fromWire } from './reader-thread.ts';
import type { BarBatch } from './bar-batch.ts';
import { BadRowHandler } from './bad-rows.ts';
import type { ReaderMessage } from './bar-reader-worker.ts';
import { barFormatOf, openBars, type BarStream, type ReadBarsOptions, type RowsSeen } from './read-bars.ts';

/**
 * Files at least this large are read on a worker thread. A reader thread costs ~150 ms
 * to start (tsx + modules); on the 1M-bar (49 MB) CSV the overlap measured no gain on
 * this 2-core machine, so only very large files take the threaded path.
 */
export const THREADED_MIN_BYTES = 256 << 20;

const ENTRY = workerEntry('data/bar-reader-worker');

/** Reader threads started and not yet exited (tests: a stream let go must not leave one behind). */
const running = new Set<Worker>();

/** Bar reader threads still running. */
export function barReaderThreads(): number {
  return running.size;
}

/**
 * Like `openBars`, but decoding and validation run on a worker thread so that reading
 * the next batches overlaps with the engine replaying the current one. Batches arrive
 * in file order with their buffers transferred; errors keep their file/row/field.
 * The thread holds the process open only while the stream waits for a batch, and ends
 * when the stream ends or is let go (`return`), also before its first batch: a run that
 * fails before its replay neither hangs the process nor leaves the thread blocked.
 */
export async function openBarsThreaded(file: string, opts: ReadBarsOptions = {}): Promise<BarStream> {
  const handler = new BadRowHandler(opts.onBadRow ?? 'error');
  const filtered: RowsSeen = { count: 0, first: Number.NaN, last: Number.NaN };
  const worker = startWorker({ kind: 'lockstep-bar-reader', entry: ENTRY, file, opts });
  running.add(worker);
  const queue: ReaderMessage[] = [];
  let waiting: ((m: ReaderMessage) => void) | null = null;
  let exited = false;
  const deliver = (m: ReaderMessage): void => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      worker.unref();
      w(m);
    } else queue.push(m);
  };
  worker.on('message', deliver);
  worker.on('error', (e) => deliver({ type: 'error', name: 'Error', message: e.message }));
  worker.on('exit', (code) => {
    exited = true;
    running.delete(worker);
    if (code !== 0) deliver({ type: 'error', name: 'Error', message: `exited with code ${code}` });
  });
  worker.unref(); // after the listeners: adding one refs the thread's port again
  const next = (): Promise<ReaderMessage> => {
    const m = queue.shift();
    if (m) return Promise.resolve(m);
    if (exited) return Promise.resolve({ type: 'error', name: 'Error', message: 'bar reader thread ended early' });
    worker.ref(); // a batch is awaited: the process waits for it
    return new Promise((r) => { waiting = r; });
  };
  const stop = async (): Promise<void> => {
    if (!exited) await worker.terminate();
  };
  async function* read(): AsyncGenerator<BarBatch> {
    try {
      for (;;) {
        const m = await next();
        if (m.type === 'batch') {
          worker.postMessage('pull');
          yield m.batch;
        } else if (m.type === 'end') {
          handler.report.skipped = m.badRows.skipped;
          handler.report.examples.push(...m.badRows.examples);
          Object.assign(filtered, m.filtered);
          return;
        } else {
          throw fromWire(m, 'bar reader');
        }
      }
    } finally {
      await stop();
    }
  }
  const gen = read();
  // A generator's `return` before its first `next` skips its `finally`: the thread is stopped here too.
  const batches: AsyncIterable<BarBatch> = {
    [Symbol.asyncIterator]: () => ({
      next: () => gen.next(),
      return: async (value?: unknown) => {
        await stop();
        return gen.return(value as undefined);
      },
    }),
  };
  return { file, format: barFormatOf(file), batches, badRows: handler, filtered };
}

/** Opens a bar file, on a worker thread when it is large enough to gain from overlap. */
export async function openBarsAuto(file: string, opts: ReadBarsOptions = {}): Promise<BarStream> {
  let size = 0;
  try {
    size = (await stat(file)).size;
  } catch {
    // openBars reports a missing file with the fix.
  }
  // The warm-up history is collected on this thread (a reader thread would have to send it back).
  return size >= THREADED_MIN_BYTES && !opts.history ? openBarsThreaded(file, opts) : openBars(file, opts);
}

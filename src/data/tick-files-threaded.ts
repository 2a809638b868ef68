import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fromWire, type WireError } from './reader-thread.ts';
import { readTickFiles } from './tick-parquet.ts';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./tick-reader-worker.ts', import.meta.url).href;

/** Tick files at least this large in total are decoded on a reader thread, overlapping the replay. */
export const THREADED_TICK_BYTES = 32 << 20;

type Msg = { type: 'batch'; batch: unknown } | { type: 'end' } | WireError;

/**
 * Batches of tick files decoded on a worker thread, in file order. The thread starts at
 * once (not on the first read), so its start-up overlaps the rest of the run's set-up.
 */
export function readTickFilesThreaded<B>(files: readonly string[]): AsyncIterable<B> {
  const worker = new Worker(BOOTSTRAP, { workerData: { kind: 'lockstep-tick-reader', entry: ENTRY, files: [...files] } });
  const queue: Msg[] = [];
  let waiting: ((m: Msg) => void) | null = null;
  let exited = false;
  const push = (m: Msg) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(m);
    } else queue.push(m);
  };
  worker.on('message', push);
  worker.on('error', (e) => push({ type: 'error', name: 'Error', message: e.message }));
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) push({ type: 'error', name: 'Error', message: `exited with code ${code}` });
  });
  async function* batches(): AsyncGenerator<B> {
  try {
    for (;;) {
      const m = queue.shift() ?? (exited ? ({ type: 'error', name: 'Error', message: 'tick reader thread ended early' } as Msg) : await new Promise<Msg>((r) => { waiting = r; }));
      if (m.type === 'end') return;
      if (m.type === 'error') throw fromWire(m, 'tick reader');
      worker.postMessage('pull');
      yield m.batch as B;
    }
  } finally {
    if (!exited) await worker.terminate();
  }
  }
  return batches();
}

/** Reads tick files on a thread when they are big enough to gain from it, else inline. */
export function readTickFilesAuto<B>(files: readonly string[]): AsyncIterable<B> {
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  return bytes >= THREADED_TICK_BYTES ? readTickFilesThreaded<B>(files) : readTickFiles<B>(files);
}

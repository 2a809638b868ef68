import { startWorker, workerEntry } from './worker-files.ts';
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { fromWire, type WireError } from './reader-thread.ts';
import { readTickFiles } from './tick-parquet.ts';
import { tickValidation } from './tick-validation.ts';
import { BadRowHandler, type BadRowPolicy, type BadRowReport } from './bad-rows.ts';

const ENTRY = workerEntry('data/tick-reader-worker');

/**
 * Tick files at least this large in total are decoded on a reader thread, overlapping the
 * replay (below it the thread's ~0.2 s start-up costs more than it saves). Our files hold
 * about 2.5–7 bytes per event, so this is roughly 1–3M events.
 */
export const THREADED_TICK_BYTES = 8 << 20;

/** Messages from the reader thread, per stream. */
export type TickReaderMsg = { id: number; type: 'batch'; batch: unknown } | { id: number; type: 'end'; badRows: BadRowReport } | (WireError & { id: number });
/** Messages to it. */
export type TickReaderCmd = { type: 'open'; id: number; files: string[]; policy: BadRowPolicy } | { type: 'pull'; id: number } | { type: 'close'; id: number };

interface Stream {
  queue: TickReaderMsg[];
  waiting: ((m: TickReaderMsg) => void) | null;
}

/**
 * One reader thread decoding the tick files of a whole run: every stream (deltas, trades,
 * quotes of each feed) is served by the same thread, one row group at a time, so a run
 * uses two cores — the replay and the decoding — instead of oversubscribing a small
 * machine with a thread per stream. The thread starts at once, overlapping set-up. While
 * it serves no stream it does not hold the process open (unref'd), so a run can hand it on
 * to the next one (`acquireReaderThread` / `releaseReaderThread`).
 */
export class TickReaderThread {
  private readonly worker: Worker;
  private readonly streams = new Map<number, Stream>();
  private nextId = 0;
  private exited = false;
  private failure: string | null = null;

  constructor() {
    this.worker = startWorker({ kind: 'lockstep-tick-reader', entry: ENTRY });
    this.worker.on('message', (m: TickReaderMsg) => this.push(this.streams.get(m.id), m));
    this.worker.on('error', (e) => this.failAll(e.message));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(code === 0 ? 'tick reader thread ended early' : `exited with code ${code}`);
    });
  }

  /** Streams opened and not yet ended. */
  get streamCount(): number {
    return this.streams.size;
  }

  private push(s: Stream | undefined, m: TickReaderMsg): void {
    if (!s) return;
    if (s.waiting) {
      const w = s.waiting;
      s.waiting = null;
      w(m);
    } else s.queue.push(m);
  }

  private failAll(message: string): void {
    this.failure ??= message;
    for (const [id, s] of this.streams) this.push(s, { id, type: 'error', name: 'Error', message });
  }

  /** Batches of `files` (one kind), in file order, decoded and validated on the shared thread; skipped rows are counted into `handler` at the end. */
  stream<B>(files: readonly string[], handler = new BadRowHandler('error')): AsyncIterable<B> {
    const id = this.nextId++;
    const s: Stream = { queue: [], waiting: null };
    this.streams.set(id, s);
    this.worker.ref(); // a stream is being read: the process waits for its batches
    this.post({ type: 'open', id, files: [...files], policy: handler.policy });
    const self = this;
    async function* batches(): AsyncGenerator<B> {
      try {
        for (;;) {
          const failed = self.failure !== null && s.queue.length === 0 ? { id, type: 'error', name: 'Error', message: self.failure } as TickReaderMsg : undefined;
          const m = s.queue.shift() ?? failed ?? (await new Promise<TickReaderMsg>((r) => { s.waiting = r; }));
          if (m.type === 'end') {
            handler.report.skipped += m.badRows.skipped;
            handler.report.examples.push(...m.badRows.examples);
            return;
          }
          if (m.type === 'error') throw fromWire(m, 'tick reader');
          self.post({ type: 'pull', id });
          yield m.batch as B;
        }
      } finally {
        self.streams.delete(id);
        self.post({ type: 'close', id });
        if (self.streams.size === 0) self.worker.unref(); // idle: kept for another run, never holding the process open
      }
    }
    return batches();
  }

  /** Stops the thread (its streams end with an error if still read). Idempotent. */
  close(): void {
    if (this.exited) return;
    this.failure ??= 'the reader thread was closed';
    void this.worker.terminate();
  }

  /** False once the thread has stopped (all its streams ended): open new streams on a new one. */
  get running(): boolean {
    return !this.exited && this.failure === null;
  }

  private post(cmd: TickReaderCmd): void {
    if (!this.exited) this.worker.postMessage(cmd);
  }
}

/** Batches of tick files decoded on a reader thread of their own, stopped when the stream ends. */
export async function* readTickFilesThreaded<B>(files: readonly string[], handler?: BadRowHandler): AsyncGenerator<B> {
  const thread = new TickReaderThread();
  try {
    yield* thread.stream<B>(files, handler);
  } finally {
    thread.close();
  }
}

/**
 * The reader thread a run left idle, kept for the next run in this process. Reusing it
 * saves the next run the thread's start (~0.1 s), and more: the memory a thread's
 * allocator holds after decoding stays with that thread, so a new thread per run grew a
 * process that ran the ticks bench's three runs to 342–429 MiB, against 280–294 MiB with
 * one thread reused (measured in fresh processes, three each).
 */
let idle: TickReaderThread | null = null;

/** A reader thread for a run: the idle one when it is still up, else a new one. */
export function acquireReaderThread(): TickReaderThread {
  const t = idle;
  idle = null;
  return t !== null && t.running ? t : new TickReaderThread();
}

/**
 * The run is done with `t`: kept as the idle thread when it serves no stream any more, else
 * stopped (a run that failed may leave streams it never read to the end).
 */
export function releaseReaderThread(t: TickReaderThread): void {
  if (!t.running) return;
  if (t.streamCount > 0) {
    t.close();
    return;
  }
  if (idle !== null && idle !== t) idle.close();
  idle = t;
}

/**
 * Reads tick files on `shared.thread` when they are big enough to gain from it, else inline.
 * The thread is acquired on first need (pass a holder shared by the run's streams; the run
 * releases it when it ends).
 */
export function readTickFilesAuto<B>(files: readonly string[], shared: { thread?: TickReaderThread } = {}, handler = new BadRowHandler('error')): AsyncIterable<B> {
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  if (bytes < THREADED_TICK_BYTES) return readTickFiles<B>(files, tickValidation(handler));
  if (!shared.thread?.running) shared.thread = acquireReaderThread();
  return shared.thread.stream<B>(files, handler);
}

import { startWorker, workerEntry } from '../data/worker-files.ts';
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { TrialResult, TrialTask } from './evaluate-trial.ts';
import type { SharedBars } from './shared-bars.ts';
import { STATUS_SLOTS, type FromWorker, type ToWorker } from './trial-worker.ts';
import { timedOutTrial } from './trial-timeout.ts';

const ENTRY = workerEntry('optimize/trial-worker');

/** Asked at each checkpoint of a trial: true stops it (pruning). */
export type PruneCheck = (task: TrialTask, step: number, value: number) => Promise<boolean>;

/** A batch handed to every worker at once (runAll): its tasks, their settlers by index, which are settled, and the shared counter. */
interface Batch {
  readonly tasks: readonly TrialTask[];
  readonly settle: Array<{ resolve: (r: TrialResult) => void; reject: (e: Error) => void }>;
  readonly settled: Uint8Array;
  readonly next: SharedArrayBuffer;
  unsettled: number;
}

/** Options of a pool. */
export interface TrialPoolOptions {
  /**
   * A trial running longer than this (seconds) is failed, and its worker stopped and replaced
   * (a strategy stuck in a loop would otherwise hold the study for ever). Default (undefined): no limit.
   */
  readonly trialTimeoutSeconds?: number | undefined;
}

interface Job {
  id: number;
  task: TrialTask;
  prune?: PruneCheck;
  resolve: (r: TrialResult) => void;
  reject: (e: Error) => void;
}

/** Default pool size: one worker per core. */
export const defaultWorkers = (): number => Math.max(1, cpus().length);

/**
 * Trials handed to a worker at a time: it runs them one after another, and the second is
 * already there when the first ends, so a worker does not wait a round trip to the pool
 * for its next trial (~0.7 ms of a 100k-bar trial's ~14 ms on two cores).
 */
const PER_WORKER = 2;

/**
 * A fixed set of worker threads sharing one dataset (SharedArrayBuffer columns, no
 * copies); each runs one trial at a time, with the next one waiting in it. Results come
 * back by job, so completion order never changes what a study records.
 */
export class TrialPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  /** Each ready worker's jobs, in the order it runs them. */
  private readonly running = new Map<Worker, Job[]>();
  private readonly batches = new Map<number, Batch>();
  private nextId = 1;
  private failed: Error | null = null;
  private readonly ready: Promise<void>;
  /** With a time limit: each worker's status slots (trial-worker's STATUS_SLOTS), read by the watchdog. */
  private readonly status = new Map<Worker, Float64Array>();
  private readonly limitMs: number | null;
  private readonly watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly bars: SharedBars, private readonly strategy: string, size: number, opts: TrialPoolOptions = {}) {
    const limit = opts.trialTimeoutSeconds;
    if (limit !== undefined && !(limit > 0)) throw new RangeError(`trial time limit must be a positive number of seconds, got ${limit}`);
    this.limitMs = limit === undefined ? null : limit * 1000;
    this.ready = Promise.all(Array.from({ length: size }, () => this.spawn())).then(() => undefined);
    if (this.limitMs !== null) {
      this.watchdog = setInterval(() => this.stopStuck(), Math.min(1000, Math.max(20, this.limitMs / 4)));
      this.watchdog.unref();
    }
  }

  /** Starts a worker; resolves once it is ready (and has joined every batch still running). */
  private spawn(): Promise<void> {
    const slots = this.limitMs === null ? null : new Float64Array(new SharedArrayBuffer(8 * STATUS_SLOTS));
    const w = startWorker({ kind: 'lockstep-trial-worker', entry: ENTRY, bars: this.bars, strategy: this.strategy, ...(slots ? { status: slots.buffer } : {}) });
    this.workers.push(w);
    if (slots) this.status.set(w, slots);
    return new Promise<void>((resolve, reject) => {
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.running.set(w, []);
          for (const [id, b] of this.batches) w.postMessage({ type: 'claim', id, tasks: b.tasks, next: b.next } satisfies ToWorker);
          resolve();
          this.pump();
        } else if (m.type === 'fatal') {
          reject(new Error(m.message));
        } else {
          this.onMessage(w, m);
        }
      });
      w.on('error', (e) => { reject(e); this.crash(w, e); });
      w.on('exit', (code) => { if (code !== 0 && this.workers.includes(w)) this.crash(w, new Error(`trial worker exited with code ${code}`)); });
    });
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /** Jobs each ready worker holds, and jobs queued (tests). */
  get load(): { perWorker: number[]; queued: number } {
    return { perWorker: [...this.running.values()].map((j) => j.length), queued: this.queue.length };
  }

  /** Runs one trial on the next free worker. */
  async run(task: TrialTask, prune?: PruneCheck): Promise<TrialResult> {
    await this.ready;
    if (this.failed) throw this.failed;
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, ...(prune ? { prune } : {}), resolve, reject });
      this.pump();
    });
  }

  /**
   * Runs every task (in any order, on every worker): one message per worker carries them all,
   * and each worker takes its next task from a shared counter until none is left, so none
   * waits for another's last trial and no trial waits for a message from this thread. Results
   * come back in groups (see trial-worker's GROUP_MS). No pruning: a pruned trial talks to
   * its sampler while it runs (use `run`).
   */
  runAll(tasks: readonly TrialTask[]): Promise<TrialResult>[] {
    const settle: Batch['settle'] = [];
    const promises = tasks.map(() => new Promise<TrialResult>((resolve, reject) => { settle.push({ resolve, reject }); }));
    if (tasks.length > 0) void this.startBatch(tasks, settle);
    return promises;
  }

  private async startBatch(tasks: readonly TrialTask[], settle: Batch['settle']): Promise<void> {
    try {
      await this.ready;
    } catch (e) {
      for (const s of settle) s.reject(e as Error);
      return;
    }
    if (this.failed) {
      for (const s of settle) s.reject(this.failed);
      return;
    }
    const id = this.nextId++;
    const next = new SharedArrayBuffer(4);
    this.batches.set(id, { tasks, settle, settled: new Uint8Array(tasks.length), next, unsettled: settle.length });
    for (const w of this.running.keys()) w.postMessage({ type: 'claim', id, tasks, next } satisfies ToWorker);
  }

  async close(): Promise<void> {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * The watchdog: a worker whose trial has run past the limit is stopped (a thread stuck in a
   * loop cannot be interrupted otherwise) and replaced; the trial is failed with the reason,
   * the other trials it held go to the other workers (a batch's through its shared counter,
   * which the new worker joins).
   */
  private stopStuck(): void {
    const now = performance.timeOrigin + performance.now();
    for (const [w, slots] of this.status) {
      const started = slots[0];
      if (started === 0 || now - started < this.limitMs! || !this.running.has(w)) continue;
      const batchId = slots[1];
      const k = slots[2];
      if (slots[0] !== started) continue; // the trial ended as it was read (the worker writes the start last)
      this.retire(w);
      const jobs = this.running.get(w)!;
      this.running.delete(w);
      const timedOut = (task: TrialTask) => timedOutTrial(task, this.limitMs! / 1000, (now - started) / 1000);
      const stuckJob = batchId === 0 ? jobs.find((j) => j.id === k) : undefined;
      if (stuckJob) stuckJob.resolve(timedOut(stuckJob.task));
      const b = this.batches.get(batchId);
      if (b) this.settleInBatch(batchId, b, k, timedOut(b.tasks[k]));
      // Single trials it held (behind a stuck one, or behind a batch's) run on another worker.
      this.queue.unshift(...jobs.filter((j) => j !== stuckJob));
      void this.spawn().catch((e: Error) => this.crash(w, e));
    }
  }

  /** Takes a worker out of the pool and stops it (its exit is not a crash). */
  private retire(w: Worker): void {
    this.workers.splice(this.workers.indexOf(w), 1);
    this.status.delete(w);
    void w.terminate();
  }

  /** Hands queued jobs to the workers, the least busy first, up to PER_WORKER each. */
  private pump(): void {
    for (let depth = 0; depth < PER_WORKER && this.queue.length > 0; depth++) {
      for (const [w, jobs] of this.running) {
        if (this.queue.length === 0) break;
        if (jobs.length > depth) continue;
        const job = this.queue.shift()!;
        jobs.push(job);
        w.postMessage({ type: 'run', id: job.id, task: job.task, prune: job.prune !== undefined } satisfies ToWorker);
      }
    }
  }

  private onMessage(w: Worker, m: Extract<FromWorker, { id: number }>): void {
    if (m.type === 'claimed') return this.onClaimed(m);
    const jobs = this.running.get(w);
    const job = jobs?.find((j) => j.id === m.id);
    if (!jobs || !job) return;
    if (m.type === 'intermediate') {
      void job.prune!(job.task, m.step, m.value).then((prune) => w.postMessage({ type: 'prune-reply', id: m.id, prune } satisfies ToWorker));
    } else if (m.type === 'result') {
      jobs.splice(jobs.indexOf(job), 1);
      job.resolve(m.result);
      this.pump();
    }
  }

  private onClaimed(m: Extract<FromWorker, { type: 'claimed' }>): void {
    const batch = this.batches.get(m.id);
    if (!batch) return;
    for (const [k, r] of m.results) this.settleInBatch(m.id, batch, k, r);
  }

  /** Settles a batch's trial once (a stuck trial's result may come after the watchdog failed it). */
  private settleInBatch(id: number, batch: Batch, k: number, r: TrialResult): void {
    if (batch.settled[k] === 1) return;
    batch.settled[k] = 1;
    batch.settle[k].resolve(r);
    if (--batch.unsettled === 0) this.batches.delete(id);
  }

  private crash(w: Worker, e: Error): void {
    this.failed = e;
    // A batch's trials the crashed worker had taken are lost with it: every unsettled one fails (settling twice is a no-op).
    for (const b of this.batches.values()) for (const s of b.settle) s.reject(e);
    this.batches.clear();
    const jobs = this.running.get(w) ?? [];
    this.running.delete(w);
    for (const j of jobs) j.reject(e);
    for (const q of this.queue.splice(0)) q.reject(e);
  }
}

import { startWorker, workerEntry } from '../data/worker-files.ts';
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { TrialResult, TrialTask } from './evaluate-trial.ts';
import type { SharedBars } from './shared-bars.ts';
import type { FromWorker, ToWorker } from './trial-worker.ts';

const ENTRY = workerEntry('optimize/trial-worker');

/** Asked at each checkpoint of a trial: true stops it (pruning). */
export type PruneCheck = (task: TrialTask, step: number, value: number) => Promise<boolean>;

/** A batch handed to every worker at once (runAll): its trials' settlers by index, and how many are not settled yet. */
interface Batch {
  readonly settle: Array<{ resolve: (r: TrialResult) => void; reject: (e: Error) => void }>;
  unsettled: number;
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

  constructor(bars: SharedBars, strategy: string, size: number) {
    const starts: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const w = startWorker({ kind: 'lockstep-trial-worker', entry: ENTRY, bars, strategy });
      this.workers.push(w);
      starts.push(new Promise<void>((resolve, reject) => {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') {
            this.running.set(w, []);
            resolve();
            this.pump();
          } else if (m.type === 'fatal') {
            reject(new Error(m.message));
          } else {
            this.onMessage(w, m);
          }
        });
        w.on('error', (e) => { reject(e); this.crash(w, e); });
        w.on('exit', (code) => { if (code !== 0) this.crash(w, new Error(`trial worker exited with code ${code}`)); });
      }));
    }
    this.ready = Promise.all(starts).then(() => undefined);
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
    this.batches.set(id, { settle, unsettled: settle.length });
    const next = new SharedArrayBuffer(4);
    for (const w of this.running.keys()) w.postMessage({ type: 'claim', id, tasks, next } satisfies ToWorker);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
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
    for (const [k, r] of m.results) batch.settle[k].resolve(r);
    batch.unsettled -= m.results.length;
    if (batch.unsettled === 0) this.batches.delete(m.id);
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

import { startWorker, workerEntry } from '../data/worker-files.ts';
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { TrialResult, TrialTask } from './evaluate-trial.ts';
import type { SharedBars } from './shared-bars.ts';
import type { FromWorker, ToWorker } from './trial-worker.ts';

const ENTRY = workerEntry('optimize/trial-worker');

/** Asked at each checkpoint of a trial: true stops it (pruning). */
export type PruneCheck = (task: TrialTask, step: number, value: number) => Promise<boolean>;

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
 * A fixed set of worker threads sharing one dataset (SharedArrayBuffer columns, no
 * copies); each runs one trial at a time. Results come back by job, so completion order
 * never changes what a study records.
 */
export class TrialPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
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
            this.idle.push(w);
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

  /** Runs one trial on the next free worker. */
  async run(task: TrialTask, prune?: PruneCheck): Promise<TrialResult> {
    await this.ready;
    if (this.failed) throw this.failed;
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, ...(prune ? { prune } : {}), resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      w.postMessage({ type: 'run', id: job.id, task: job.task, prune: job.prune !== undefined } satisfies ToWorker);
    }
  }

  private onMessage(w: Worker, m: FromWorker): void {
    const job = this.running.get(w);
    if (!job) return;
    if (m.type === 'intermediate') {
      void job.prune!(job.task, m.step, m.value).then((prune) => w.postMessage({ type: 'prune-reply', id: m.id, prune } satisfies ToWorker));
    } else if (m.type === 'result') {
      this.running.delete(w);
      this.idle.push(w);
      job.resolve(m.result);
      this.pump();
    }
  }

  private crash(w: Worker, e: Error): void {
    this.failed = e;
    const job = this.running.get(w);
    this.running.delete(w);
    job?.reject(e);
    for (const q of this.queue.splice(0)) q.reject(e);
  }
}

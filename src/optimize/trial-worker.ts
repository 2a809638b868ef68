import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadStrategy } from '../engine/load-strategy.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { evaluateTrial, type TrialResult, type TrialTask } from './evaluate-trial.ts';
import type { SharedBars } from './shared-bars.ts';

/**
 * Messages from the pool to a trial worker: one trial (`run`), a prune answer, or a batch
 * (`claim`): every task of it, and a shared counter each worker takes its next index from.
 */
export type ToWorker =
  | { type: 'run'; id: number; task: TrialTask; prune: boolean }
  | { type: 'prune-reply'; id: number; prune: boolean }
  | { type: 'claim'; id: number; tasks: readonly TrialTask[]; next: SharedArrayBuffer };
/** Messages from a trial worker to the pool; a batch's results come in groups (index in the batch, result). */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'intermediate'; id: number; step: number; value: number }
  | { type: 'result'; id: number; result: TrialResult }
  | { type: 'claimed'; id: number; results: Array<[number, TrialResult]> }
  | { type: 'fatal'; message: string };

/**
 * A batch's results are held at most this long before they go to the pool. Each message wakes
 * the pool's thread (on this project's VMs ~54 µs a round trip, mostly system time): grouped,
 * a 1,000-trial study of ~9 ms trials on two workers sends ~180 messages instead of 1,000.
 */
const GROUP_MS = 50;

/**
 * What this worker runs, for a pool with a trial time limit (TrialPool's watchdog): slot 0 the
 * time the running trial started (performance.timeOrigin + now, ms; 0 between trials), slot 1
 * its batch id (0 for a single trial), slot 2 its index in the batch or its job id.
 */
export const STATUS_SLOTS = 3;

/** The running trial noted in the status slots (see STATUS_SLOTS); a worker without a time limit has none. */
class TrialStatus {
  constructor(private readonly slots: Float64Array | null) {}

  /** Before a trial. */
  start(batch: number, k: number): void {
    const s = this.slots;
    if (s === null) return;
    s[1] = batch;
    s[2] = k;
    s[0] = performance.timeOrigin + performance.now();
  }

  /** After it, before its result is sent: a result on its way is never taken for a stuck trial. */
  end(): void {
    if (this.slots !== null) this.slots[0] = 0;
  }

  /**
   * The trial waits for its pruner's answer (asked of the main thread): the wait is not its own
   * running time, so the slots show no trial until `resume`, which moves its start on by the wait.
   * Returns the function that resumes it.
   */
  pause(): () => void {
    const s = this.slots;
    if (s === null) return () => {};
    const started = s[0];
    const pausedAt = performance.timeOrigin + performance.now();
    s[0] = 0;
    return () => {
      s[0] = started + (performance.timeOrigin + performance.now() - pausedAt);
    };
  }

  /** With a time limit every result goes at once: a worker stopped for a stuck trial holds none unsent. */
  get sendsEach(): boolean {
    return this.slots !== null;
  }
}

/** Worker body: loads the strategy once, then runs trials on the shared bars it was given. */
async function serve(bars: SharedBars, strategy: string, status: TrialStatus): Promise<void> {
  const port = parentPort!;
  const def = await loadStrategy(strategy);
  const waiting = new Map<number, (prune: boolean) => void>();
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'prune-reply') {
      waiting.get(m.id)?.(m.prune);
      waiting.delete(m.id);
      return;
    }
    if (m.type === 'claim') {
      queue = queue.then(() => claimAll(m, bars, def, port, status));
      return;
    }
    const ask = m.prune
      ? (step: number, value: number) => new Promise<boolean>((resolve) => {
        const resume = status.pause();
        waiting.set(m.id, (prune) => {
          resume();
          resolve(prune);
        });
        port.postMessage({ type: 'intermediate', id: m.id, step, value } satisfies FromWorker);
      })
      : undefined;
    // One trial at a time: the pool hands over the next one while this one runs (it waits here).
    // The result's arrays are copied, not transferred: a transfer detaches them here, and after one
    // detached buffer V8's optimized code checks every typed-array access of this thread's trials
    // for detachment (~8 % of a trial's bar loop, for 64 bucket returns saved from a copy).
    queue = queue.then(() => {
      status.start(0, m.id);
      return evaluateTrial(m.task, bars, def, ask);
    }).then((result) => {
      status.end();
      port.postMessage({ type: 'result', id: m.id, result } satisfies FromWorker);
    });
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

/** Runs a batch's trials, each index taken from the shared counter, until none is left; results go in groups (GROUP_MS). */
async function claimAll(m: Extract<ToWorker, { type: 'claim' }>, bars: SharedBars, def: StrategyDefinition, port: MessagePort, status: TrialStatus): Promise<void> {
  const next = new Int32Array(m.next);
  let group: Array<[number, TrialResult]> = [];
  let since = performance.now(); // monotonic: how long results have waited, not simulated time
  for (let k = Atomics.add(next, 0, 1); k < m.tasks.length; k = Atomics.add(next, 0, 1)) {
    status.start(m.id, k);
    const result = await evaluateTrial(m.tasks[k], bars, def);
    status.end();
    group.push([k, result]);
    if (status.sendsEach || performance.now() - since >= GROUP_MS) {
      port.postMessage({ type: 'claimed', id: m.id, results: group } satisfies FromWorker);
      group = [];
      since = performance.now();
    }
  }
  if (group.length > 0) port.postMessage({ type: 'claimed', id: m.id, results: group } satisfies FromWorker);
}

if (parentPort && workerData?.kind === 'lockstep-trial-worker') {
  const slots = workerData.status ? new Float64Array(workerData.status as SharedArrayBuffer) : null;
  serve(workerData.bars as SharedBars, workerData.strategy as string, new TrialStatus(slots)).catch((e: Error) => {
    parentPort!.postMessage({ type: 'fatal', message: e.message } satisfies FromWorker);
  });
}

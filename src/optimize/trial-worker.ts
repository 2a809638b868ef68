import { parentPort, workerData } from 'node:worker_threads';
import { loadStrategy } from '../engine/load-strategy.ts';
import { evaluateTrial, type TrialResult, type TrialTask } from './evaluate-trial.ts';
import type { SharedBars } from './shared-bars.ts';

/** Messages from the pool to a trial worker. */
export type ToWorker = { type: 'run'; id: number; task: TrialTask; prune: boolean } | { type: 'prune-reply'; id: number; prune: boolean };
/** Messages from a trial worker to the pool. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'intermediate'; id: number; step: number; value: number }
  | { type: 'result'; id: number; result: TrialResult }
  | { type: 'fatal'; message: string };

/** Worker body: loads the strategy once, then runs trials on the shared bars it was given. */
async function serve(bars: SharedBars, strategy: string): Promise<void> {
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
    const ask = m.prune
      ? (step: number, value: number) => new Promise<boolean>((resolve) => {
        waiting.set(m.id, resolve);
        port.postMessage({ type: 'intermediate', id: m.id, step, value } satisfies FromWorker);
      })
      : undefined;
    // One trial at a time: the pool hands over the next one while this one runs (it waits here).
    // The result's arrays are copied, not transferred: a transfer detaches them here, and after one
    // detached buffer V8's optimized code checks every typed-array access of this thread's trials
    // for detachment (~8 % of a trial's bar loop, for 64 bucket returns saved from a copy).
    queue = queue.then(() => evaluateTrial(m.task, bars, def, ask)).then((result) => {
      port.postMessage({ type: 'result', id: m.id, result } satisfies FromWorker);
    });
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

if (parentPort && workerData?.kind === 'lockstep-trial-worker') {
  serve(workerData.bars as SharedBars, workerData.strategy as string).catch((e: Error) => {
    parentPort!.postMessage({ type: 'fatal', message: e.message } satisfies FromWorker);
  });
}

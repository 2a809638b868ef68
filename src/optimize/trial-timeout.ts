import type { TrialResult, TrialTask } from './evaluate-trial.ts';

/** The result of a trial stopped at the pool's time limit: failed, with the reason and the fix. */
export function timedOutTrial(task: TrialTask, limitSeconds: number, ranSeconds: number): TrialResult {
  return {
    number: task.number, params: task.params, state: 'failed', values: [], finalValue: Number.NaN, metrics: null, seconds: ranSeconds,
    reason: `stopped after ${ranSeconds.toFixed(1)} s: the trial time limit is ${limitSeconds} s (--trial-timeout; raise it if such trials are expected to take longer)`,
  };
}

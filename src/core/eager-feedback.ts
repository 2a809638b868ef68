import { setFlagsFromString } from 'node:v8';

const FLAG = '--lazy-feedback-allocation';

let applied = false;
let eager = false;

/** The V8 flag to set, or null when the process was started with its own value for it. */
export function eagerFeedbackFlag(execArgv: readonly string[], nodeOptions: string): string | null {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => {
    const flag = a.replace(/_/g, '-');
    return flag.startsWith(FLAG) || flag.startsWith('--no-lazy-feedback-allocation');
  });
  return given ? null : '--no-lazy-feedback-allocation';
}

/**
 * Makes V8 give a function its feedback vector (the types and shapes its optimizing compiler
 * reads) at its first call instead of its eighth. The per-bar path has branches that run once
 * or twice per run (the first bar's new run of timestamps, a new block of the cash column); with
 * lazy allocation they had no feedback when the bar loop was optimized, the compiler put a
 * deoptimization there, and in a later run of the same process the bar loop fell back to the
 * interpreter and was compiled again — in about one process in three, two to four runs in a
 * row, each ~30 % slower (1M-bar MA cross, runs after a collected heap as the bench times
 * them; docs/performance-log.md, twenty-sixth session). Process-wide and once; affects only
 * how code is compiled, never what it computes.
 */
export function allocateFeedbackEagerly(): void {
  if (applied) return;
  applied = true;
  const flag = eagerFeedbackFlag(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag === null) return;
  setFlagsFromString(flag);
  eager = true;
}

/**
 * For a process that replays one short run and exits (a `lockstep backtest`, as
 * keepDefaultInliningBudget): nothing runs twice, so lazy allocation stays, and the functions it
 * calls once (result, metrics, report) get no vector. Call it before the first engine is built.
 */
export function keepLazyFeedback(): void {
  applied = true;
}

/** True once this process allocates feedback at the first call. */
export function feedbackEager(): boolean {
  return eager;
}

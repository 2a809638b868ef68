import { setFlagsFromString } from 'node:v8';

/**
 * V8's budget of bytecode it inlines into one optimized function, raised from its default
 * of 920 bytes. The engine's per-event path (dispatch → venue → strategy → indicators →
 * portfolio → equity point) is many small calls; at the default budget the strategy's own
 * code uses it up and the rest stay calls, with every double argument boxed on the heap.
 * Measured on the 1M-bar MA cross (4 alternating processes each): 2.1 → 2.8M bars/s at
 * 8,000 (16,000 gives no more); 300 optimizer trials of 100k bars: 32.9 → 23.0 ms each.
 */
export const INLINING_BUDGET = 8_000;

/**
 * Events of one run below which V8's defaults are the faster ones for a process that runs it
 * alone and exits. Whole `lockstep backtest` processes, alternating (2026-12-02): 100k CSV
 * bars 0.555 → 0.50 s with the default inlining budget, 200k 0.655 → 0.61 s, 200k from Parquet
 * 0.60 → 0.58 s, the 255-bar demo no slower; 1M bars tie (CSV 1.17 / 1.19 s, Parquet 0.99 /
 * 0.98 s); 10M bars 3.38 s raised against 3.87 s default.
 */
export const SHORT_RUN_EVENTS = 1_000_000;

/** A flag the engine sets, and the flags whose presence means the process chose its own value. */
interface EngineFlag {
  readonly set: string;
  readonly own: readonly string[];
}

/**
 * The V8 flags a process that runs engines sets for itself:
 * - the inlining budget (INLINING_BUDGET);
 * - feedback vectors at a function's first call instead of its eighth. Branches of the per-bar
 *   path that run once or twice per run (the first bar's new run of timestamps, a new block of
 *   the cash column) had no feedback when the bar loop was optimized; the compiler put a
 *   deoptimization there, and in about one process in three later runs of the same process
 *   deoptimized the bar loop two to four times in a row, each ~30 % slower (1M-bar MA cross,
 *   runs after a collected heap as the bench times them; docs/performance-log.md, twenty-sixth
 *   session).
 */
const ENGINE_FLAGS: readonly EngineFlag[] = [
  { set: `--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`, own: ['--max-inlined-bytecode-size-cumulative'] },
  { set: '--no-lazy-feedback-allocation', own: ['--lazy-feedback-allocation', '--no-lazy-feedback-allocation'] },
];

let applied = false;
const set: string[] = [];

/** The engine flags to set: each one unless the process was started with its own value for it. */
export function engineFlags(execArgv: readonly string[], nodeOptions: string): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.replace(/_/g, '-'));
  return ENGINE_FLAGS.filter((f) => !given.some((a) => f.own.some((own) => a.startsWith(own)))).map((f) => f.set);
}

/**
 * Sets the engine flags for the whole process (flags are per process; worker threads share
 * them), once, before the engine's code gets hot. They change how code is compiled, never
 * what it computes.
 */
export function tuneV8ForEngines(): void {
  if (applied) return;
  applied = true;
  for (const flag of engineFlags(process.execArgv, process.env.NODE_OPTIONS ?? '')) {
    setFlagsFromString(flag);
    set.push(flag);
  }
}

/**
 * For a process that replays one run of fewer than SHORT_RUN_EVENTS events and exits (a
 * `lockstep backtest`): V8's defaults stay. Its smaller optimized functions are ready sooner,
 * which a short cold run gains more from than from the raised budget's faster steady state,
 * and nothing runs twice for eager feedback to help (see SHORT_RUN_EVENTS). Call it before the
 * first engine is built.
 */
export function keepV8Defaults(): void {
  applied = true;
}

/** The engine flags this process set (none before its first engine, or when it kept V8's defaults). */
export function engineFlagsSet(): readonly string[] {
  return set;
}

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
const FLAG = '--max-inlined-bytecode-size-cumulative';

let applied = false;

/** The V8 flag to set, or null when the process was started with its own value for it. */
export function inliningFlag(execArgv: readonly string[], nodeOptions: string): string | null {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.replace(/_/g, '-').startsWith(FLAG));
  return given ? null : `${FLAG}=${INLINING_BUDGET}`;
}

/**
 * Raises V8's inlining budget for the whole process (flags are per process; worker threads
 * share them), once, before the engine's code gets hot. Affects only how code is compiled,
 * never what it computes.
 */
export function raiseInliningBudget(): void {
  if (applied) return;
  applied = true;
  const flag = inliningFlag(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag !== null) setFlagsFromString(flag);
}

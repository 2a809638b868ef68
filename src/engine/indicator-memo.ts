/**
 * Indicator memo for parameter searches. Trials of one optimization replay the same bars
 * and mostly the same indicator configurations (ten fast × a hundred slow SMAs share ten
 * and a hundred series). While a memo scope is active, a memoizing indicator records its
 * inputs and outputs the first time a configuration runs and later instances replay the
 * recording as long as their inputs match it bit for bit; on the first mismatch (or any
 * other use of the indicator's state) they rebuild the real state and compute. Replayed
 * values are the ones the indicator computed, so results are identical with and without
 * the memo. Outside a scope (backtests, live) nothing is recorded.
 */

/** One configuration's recorded series. */
export interface Tape {
  readonly input: Float64Array;
  /** Outputs; NaN stands for "no value yet" (null). */
  readonly output: Float64Array;
  /** Values recorded so far. */
  n: number;
}

interface Scope {
  readonly capacity: number;
  readonly tapes: Map<string, Tape>;
}

/** Recorded values kept per thread at most (8 bytes each, input + output). */
const MAX_VALUES = 32 * 1024 * 1024;
const scopes = new Map<string, Scope>();
let current: Scope | null = null;
let used = 0;

/**
 * Runs `fn` with the memo scope `key` (one input stream, e.g. a dataset and row range)
 * active; `capacity` bounds the values recorded per configuration.
 */
export async function withIndicatorMemo<T>(key: string, capacity: number, fn: () => Promise<T>): Promise<T> {
  let s = scopes.get(key);
  if (!s) {
    s = { capacity, tapes: new Map() };
    scopes.set(key, s);
  }
  const prev = current;
  current = s;
  try {
    return await fn();
  } finally {
    current = prev;
  }
}

/** Drops every recording (frees memory between unrelated studies). */
export function clearIndicatorMemo(): void {
  scopes.clear();
  used = 0;
}

/** The tape of a configuration in the active scope (created on first use), or null. */
export function tapeFor(key: string): Tape | null {
  const s = current;
  if (s === null) return null;
  let t = s.tapes.get(key);
  if (!t) {
    if (used + 2 * s.capacity > MAX_VALUES) return null;
    used += 2 * s.capacity;
    t = { input: new Float64Array(s.capacity), output: new Float64Array(s.capacity), n: 0 };
    s.tapes.set(key, t);
  }
  return t;
}

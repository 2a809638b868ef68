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

/** The inputs a scope's configurations were fed, recorded once for all of them. */
interface Stream {
  readonly values: Float64Array;
  /** Values recorded so far. */
  n: number;
}

/** One configuration's recorded series. */
export interface Tape {
  /**
   * Recorded inputs: the scope's stream, shared by every configuration whose inputs have
   * matched it so far (an optimizer's SMAs all read the same closes), or this
   * configuration's own copy from the first input that differed.
   */
  input: Float64Array;
  /** Outputs; NaN stands for "no value yet" (null). */
  readonly output: Float64Array;
  /** Values recorded so far (recording stops for good when the budget refuses a copy). */
  n: number;
  /** The scope's stream while `input` is it, else null. */
  stream: Stream | null;
}

interface Scope {
  readonly capacity: number;
  readonly tapes: Map<string, Tape>;
  stream: Stream | null;
}

/**
 * Recorded values kept per thread at most (8 bytes each): 24 MiB. An optimizer's worker
 * threads each keep their own, so the memo adds at most this much per worker to a study's
 * memory (the bench's 1,000-trial study on 2 workers: 422 MiB without the memo, 510 MiB
 * with a 40 MiB budget); configurations first seen after the budget is spent are computed,
 * not recorded.
 */
export const MEMO_MAX_VALUES = 3 * 1024 * 1024;
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
    s = { capacity, tapes: new Map(), stream: null };
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

/** Values the memo of this thread holds (inputs and outputs). */
export function indicatorMemoValues(): number {
  return used;
}

/** The tape of a configuration in the active scope (created on first use), or null. */
export function tapeFor(key: string): Tape | null {
  const s = current;
  if (s === null) return null;
  let t = s.tapes.get(key);
  if (!t) {
    // The scope's first configuration also brings the stream its inputs are recorded in.
    if (!take((s.stream === null ? 2 : 1) * s.capacity)) return null;
    const stream = s.stream ?? (s.stream = { values: new Float64Array(s.capacity), n: 0 });
    t = { input: stream.values, output: new Float64Array(s.capacity), n: 0, stream };
    s.tapes.set(key, t);
  }
  return t;
}

/**
 * Appends one input and its output to a tape (at `t.n`). While the tape shares the scope's
 * stream, an input equal to the stream's is not stored again; the first one that differs
 * gives the tape its own copy of the inputs — or, past the budget, ends its recording.
 */
export function recordValue(t: Tape, input: number, output: number): void {
  const i = t.n;
  const s = t.stream;
  if (s !== null) {
    if (i === s.n) {
      s.values[i] = input;
      s.n = i + 1;
    } else if (!sameValue(s.values[i], input) && !ownInputs(t, i)) return;
  }
  if (t.stream === null) t.input[i] = input;
  t.output[i] = output;
  t.n = i + 1;
}

/** True when two inputs are the same value (NaN matches NaN). */
export function sameValue(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Gives `t` its own copy of the stream's first `n` inputs; false when the budget refuses it. */
function ownInputs(t: Tape, n: number): boolean {
  if (!take(t.output.length)) return false;
  const own = new Float64Array(t.output.length);
  own.set(t.input.subarray(0, n));
  t.input = own;
  t.stream = null;
  return true;
}

/** Reserves `values` of the thread's budget; false (nothing reserved) when they do not fit. */
function take(values: number): boolean {
  if (used + values > MEMO_MAX_VALUES) return false;
  used += values;
  return true;
}

/**
 * V8 optimizes a run's hot path (reader → source → engine → venue → strategy → portfolio →
 * equity) against the hidden classes ("maps") of that run's objects. A class's maps past its
 * constructor's first one are held only by live objects that have them (transitions are weak
 * references), so when every object of one run has been collected — full collections between
 * two runs in one process: a notebook, walk-forward windows, `--stress`, the bench — those maps
 * are freed, every function optimized against them is thrown away ("weak objects"
 * deoptimizations: ~70 over 12 runs of a do-nothing strategy), and the next run is compiled
 * again while it runs, partly in the interpreter. Holding the last object of each kind until
 * the next one of that kind has been built keeps the maps, and the compiled code, alive.
 *
 * Measured (2026-12-02, one process, a full collection before each run, runs 3–12): ma-cross
 * on 200k CSV bars, load + run 180–250 ms without, 95–155 ms with; on 1M bars in memory, the
 * run 205–255 ms without, 120–175 ms with (the rest of the spread is fresh memory faulted in).
 *
 * Only the last object of each kind is held: one run's memory at most (its result holds the
 * same logs and curve), let go as soon as the next run has made its own.
 */
const latest = new Map<string, object>();

/** Holds `value`, the newest object of `kind` (a session, a reader), and lets go of the one before it. */
export function holdLatest(kind: string, value: object): void {
  latest.set(kind, value);
}

/** The object of `kind` held (tests). */
export function heldLatest(kind: string): object | undefined {
  return latest.get(kind);
}

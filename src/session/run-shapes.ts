/**
 * V8 optimizes a run's hot path (source → engine → venue → strategy → portfolio → equity)
 * against the hidden classes ("maps") of that run's objects. A class's maps past its
 * constructor's first one are held only by live objects that have them (transitions are weak
 * references), so when every object of one run has been collected — a full collection between
 * two runs in one process: a notebook, walk-forward windows, `--stress`, the bench — those
 * maps are freed, every function optimized against them is thrown away ("weak objects"
 * deoptimizations: ~70 over 12 runs of a do-nothing strategy), and the next run is compiled
 * again while it runs, partly in the interpreter. Holding the previous run's objects until
 * the next run has built its own keeps the maps, and the compiled code, alive.
 *
 * Measured (2026-12-02, one process, a full collection before each run, runs 3–12): ma-cross
 * on 200k CSV bars, load + run 180–250 ms without, 95–155 ms with; on 1M bars in memory, the
 * run 205–255 ms without, 120–175 ms with (the rest of the spread is fresh memory faulted in).
 *
 * What is held: the last run's engine and session parts (its logs and curve, which its result
 * holds too, and its finished sources), until the next run replaces them; nothing is held
 * across two runs, and memory a run allocates is never held on its behalf by more than one.
 */
let previous: unknown = null;

/** Holds `run` (the objects of the run that starts now) and lets go of the run before it. */
export function holdUntilNextRun(run: object): void {
  previous = run;
}

/** The run held (tests). */
export function heldRun(): unknown {
  return previous;
}

// Part of the `lockstep` command's entry (bin/lockstep.js) and of bin/raise-malloc-thresholds.mjs: plain JavaScript, loaded before anything is compiled.

/**
 * Bytes of the block whose release raises glibc's malloc thresholds (see raiseMallocThresholds):
 * just under 32 MiB, the most glibc's dynamic adjustment follows (DEFAULT_MMAP_THRESHOLD_MAX on
 * 64-bit). A block of 32 MiB itself becomes a mapping over that limit and changes nothing.
 */
const THRESHOLD_BLOCK = (32 << 20) - (64 << 10);

/**
 * Raises glibc malloc's thresholds for this process from 128 KiB to ~32 MiB (mmap) and ~64 MiB
 * (trim), through its documented dynamic adjustment (mallopt(3), M_MMAP_THRESHOLD): freeing a
 * block that came from mmap and is larger than the mmap threshold raises it to the block's
 * size and the trim threshold to twice that. One untouched buffer, let go on return, is freed
 * at the first garbage collection (tens of milliseconds into a command).
 *
 * Why: at 128 KiB each V8 compile thread gives its memory back to the system after nearly
 * every optimizing compile (its arena's free top is over the trim threshold) and the next
 * compile takes it again, page fault by page fault; read buffers and batches over 128 KiB are
 * fresh mappings each. A `lockstep backtest` of 200k CSV bars took 12.0–13.5k page faults,
 * with thresholds of 4 MiB / 8 MiB 9.6–9.8k: 0.545 → 0.495 s (medians of 10 alternating runs
 * on a 2-core VM where a fresh page costs ~12 µs). A process that runs backtests one after
 * another (a notebook, the bench) frees a 1M-bar run's result, ~24 MB of equity columns, when
 * the next begins: at 4 MiB / 8 MiB those blocks went back to the system in about one run in
 * four and were taken again (2–6k page faults, ~30–60 ms of a ~0.1 s run); at the maximum they
 * stay (docs/performance-log.md, twenty-eighth session). glibc reads its MALLOC_* environment
 * variables instead when they are set (the dynamic adjustment is then off); other allocators
 * only allocate and free the block.
 */
export function raiseMallocThresholds() {
  const block = new ArrayBuffer(THRESHOLD_BLOCK); // calloc'd from a fresh mapping: no page is touched
  return block.byteLength;
}

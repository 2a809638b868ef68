// Part of the `lockstep` command's entry (bin/lockstep.js): plain JavaScript, loaded before anything is compiled.

/** Bytes of the block whose release raises glibc's malloc thresholds (see raiseMallocThresholds). */
const THRESHOLD_BLOCK = 4 << 20;

/**
 * Raises glibc malloc's thresholds for this process from 128 KiB to 4 MiB (mmap) and 8 MiB
 * (trim), through its documented dynamic adjustment (mallopt(3), M_MMAP_THRESHOLD): freeing a
 * block that came from mmap and is larger than the mmap threshold raises it to the block's
 * size and the trim threshold to twice that. One untouched 4 MiB buffer, let go on return,
 * is freed at the first garbage collection (tens of milliseconds into a command).
 *
 * Why: at 128 KiB each V8 compile thread gives its memory back to the system after nearly
 * every optimizing compile (its arena's free top is over the trim threshold) and the next
 * compile takes it again, page fault by page fault; read buffers and batches over 128 KiB are
 * fresh mappings each. A `lockstep backtest` of 200k CSV bars took 12.0–13.5k page faults,
 * with the raised thresholds 9.6–9.8k: 0.545 → 0.495 s (medians of 10 alternating runs on a
 * 2-core VM where a fresh page costs ~12 µs); a block of 1 MiB gave the same counts. glibc reads its MALLOC_* environment variables instead when they are
 * set (the dynamic adjustment is then off); other allocators only allocate and free the block.
 * Long-lived processes reach such thresholds by themselves as they free large blocks.
 */
export function raiseMallocThresholds() {
  const block = new ArrayBuffer(THRESHOLD_BLOCK); // calloc'd from a fresh mapping: no page is touched
  return block.byteLength;
}

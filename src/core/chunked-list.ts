import { anyValues } from './array-edit.ts';

/** Entries per block: 4,096 references (32 KB), well below V8's large-object size (128 KB). */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

/**
 * An append-only list of references in blocks of 4,096, for a run's per-row values (order
 * ids, live orders): a plain array grows by reallocation, and past 16k entries every
 * reallocation is a new large object in memory the process never touched (~3 ms per MB on this
 * project's machines) plus a copy — about three times the final size is allocated for a
 * half-million-row log. Blocks are ordinary heap objects, allocated at their full size once
 * (in the elements kind that holds any value, so storing changes no block's map) and never copied.
 */
export class ChunkedList<T> {
  private readonly blocks: T[][] = anyValues();
  private n = 0;

  /** Entries held. */
  get length(): number {
    return this.n;
  }

  /** Appends `x`; returns its index. */
  push(x: T): number {
    const k = this.n;
    const b = k >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push(new Array<T>(BLOCK).fill(undefined as T));
    this.blocks[b][k & (BLOCK - 1)] = x;
    this.n = k + 1;
    return k;
  }

  /** Entry `k` (undefined outside 0 ≤ k < length). */
  at(k: number): T | undefined {
    return k >= 0 && k < this.n ? this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] : undefined;
  }

  /** Replaces entry `k` (0 ≤ k < length). */
  set(k: number, x: T): void {
    if (!(k >= 0 && k < this.n)) throw new RangeError(`ChunkedList.set: index ${k} outside the list's ${this.n} entries`);
    this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] = x;
  }

  /** Entries [from, to) as a new array. */
  slice(from = 0, to = this.n): T[] {
    const lo = Math.max(0, from);
    const hi = Math.min(this.n, to);
    const out = new Array<T>(Math.max(0, hi - lo));
    for (let k = lo; k < hi; k++) out[k - lo] = this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)];
    return out;
  }

  /** Index of the last entry equal to `x` (===), or −1. */
  lastIndexOf(x: T): number {
    for (let k = this.n - 1; k >= 0; k--) if (this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] === x) return k;
    return -1;
  }

  /** Drops every entry. */
  clear(): void {
    this.blocks.length = 0;
    this.n = 0;
  }
}

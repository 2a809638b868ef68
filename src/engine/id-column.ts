import { ChunkedList } from '../core/chunked-list.ts';

/** Ids per block: 4,096 doubles (32 KB), below V8's large-object size (128 KB). */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;
/** The prefix of the order ids an engine issues unless told another (EngineOptions.orderIdPrefix). */
export const ORDER_ID_PREFIX = 'O-';
/** What `idNumber` gives for an id not of the engine's form. */
const OTHER = -1;

/**
 * The number of an id of the engine's form — `prefix`, then a whole number written as
 * `String(n)` writes it (no sign, no leading zero, at most 15 digits) — or −1 for any other id.
 * Read digit by digit: slicing the id would allocate a string per call.
 */
export function idNumber(id: string, prefix: string): number {
  const len = id.length;
  const p = prefix.length;
  if (len <= p || len > p + 15) return OTHER;
  // The prefix compared code by code: startsWith is a builtin call (two per order: its row and its fill).
  for (let i = 0; i < p; i++) if (id.charCodeAt(i) !== prefix.charCodeAt(i)) return OTHER;
  if (id.charCodeAt(p) === 48) return OTHER; // a leading zero (or the number 0, which the engine never issues)
  let v = 0;
  for (let i = p; i < len; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return OTHER;
    v = v * 10 + d;
  }
  return v;
}

/** '0'…'999', and '000'…'999' (a number's last three digits). */
const UP_TO_999 = Array.from({ length: 1000 }, (_, i) => String(i));
const LAST_THREE = UP_TO_999.map((d) => d.padStart(3, '0'));

/**
 * Writes ids of the engine's form, `prefix` then `String(n)`, without turning each number
 * into a string of its own: V8's `${n}` (and `String(n)`) goes through a number-to-string
 * cache of up to 16k entries held by the heap's old space, so the last ~16k order ids stay
 * reachable from it whatever the engine lets go — every scavenge copied them (~340 KB per
 * scavenge of an order-heavy run, half its survivors; its scavenges took 1.4 ms instead of
 * 0.8). Here the number is written as the string of its thousands, kept while they last,
 * and a shared three-digit string.
 */
export class IdWriter {
  /** `prefix` and the thousands of the last id written (with their number). */
  private head = '';
  private thousands = -1;

  constructor(private readonly prefix: string) {}

  /** `${prefix}${n}`, for a whole number n ≥ 0. */
  id(n: number): string {
    const thousands = Math.floor(n / 1000);
    const rest = n - thousands * 1000;
    if (thousands === 0) return this.prefix + UP_TO_999[rest];
    if (thousands !== this.thousands) {
      this.thousands = thousands;
      this.head = this.prefix + String(thousands);
    }
    return this.head + LAST_THREE[rest];
  }
}

/**
 * An append-only column of order ids for a run's logs. An id the engine issued — its prefix
 * and a whole number, `O-42` — is kept as that number in a typed block and written out again
 * when read; any other id (an order adopted from a venue) is kept as its string, in a list of
 * its own, and its row holds −(its index there + 1). Kept as strings, every id outlived its
 * order in the logs: a half-million-order run copied them through the young generation into
 * the old one (about half of what a market maker's replay promoted) and paid a write
 * barrier per row.
 */
export class IdColumn {
  private readonly blocks: Float64Array[] = [];
  /** The ids not of the engine's form, in the order pushed. */
  private readonly others = new ChunkedList<string>();
  private n = 0;
  private readonly writer: IdWriter;

  /** @param prefix the prefix of the ids the engine issues (OrderFlow's) */
  constructor(private readonly prefix = ORDER_ID_PREFIX) {
    this.writer = new IdWriter(prefix);
  }

  /** Ids held. */
  get length(): number {
    return this.n;
  }

  /**
   * Appends `id`; returns its index. `seq`: `idNumber(id, prefix)` when the caller has it (the
   * engine's own orders carry it from their issue): reading it from the string costs a
   * character load per digit, ~250 instructions twice per order.
   */
  push(id: string, seq: number = idNumber(id, this.prefix)): number {
    const k = this.n;
    const b = k >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push(new Float64Array(BLOCK));
    this.blocks[b][k & (BLOCK - 1)] = seq === OTHER ? -1 - this.others.push(id) : seq;
    this.n = k + 1;
    return k;
  }

  /** Id `k` (undefined outside 0 ≤ k < length). */
  at(k: number): string | undefined {
    if (!(k >= 0 && k < this.n)) return undefined;
    const v = this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)];
    return v < 0 ? this.others.at(-1 - v) : this.writer.id(v);
  }

  /** Ids [from, to) as a new array. */
  slice(from = 0, to = this.n): string[] {
    const lo = Math.max(0, from);
    const hi = Math.min(this.n, to);
    const out = new Array<string>(Math.max(0, hi - lo));
    for (let k = lo; k < hi; k++) out[k - lo] = this.at(k)!;
    return out;
  }

  /** Index of the last entry equal to `id`, or −1. */
  lastIndexOf(id: string): number {
    const seq = idNumber(id, this.prefix);
    const v = seq === OTHER ? -1 - this.others.lastIndexOf(id) : seq;
    if (v === 0) return -1; // not of the engine's form, and never pushed
    for (let k = this.n - 1; k >= 0; k--) if (this.blocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] === v) return k;
    return -1;
  }

  /** Drops every id (the blocks stay, to be written again). */
  clear(): void {
    this.n = 0;
    this.others.clear();
  }
}

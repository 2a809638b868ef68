import { anyValues } from '../core/array-edit.ts';

/**
 * Interned strings of a log's text columns (instrument ids, tags, reasons): a row keeps a
 * small integer in a typed column instead of a reference, so the log holds no per-row
 * pointer for values that repeat. Code 0 is `undefined`; code k is the k-th distinct string.
 */
export class StringCodes {
  private readonly strings: string[] = anyValues();
  private readonly codes = new Map<string, number>();
  /**
   * The two strings last looked up and their codes: rows mostly repeat the previous row's, and a
   * row's columns often alternate between two (a round trip's instrument id and its untagged
   * ''): a hit skips hashing it.
   */
  private last: string | undefined = undefined;
  private lastCode = 0;
  private prev: string | undefined = undefined;
  private prevCode = 0;

  /** The code of `s` (a new one the first time it is seen); 0 for undefined. */
  code(s: string | undefined): number {
    if (s === this.last) return this.lastCode;
    if (s === this.prev) return this.prevCode;
    if (s === undefined) return 0;
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.strings.push(s);
      this.codes.set(s, c);
    }
    this.prev = this.last;
    this.prevCode = this.lastCode;
    this.last = s;
    this.lastCode = c;
    return c;
  }

  /** The string of code `c` (undefined for 0). */
  text(c: number): string | undefined {
    return c === 0 ? undefined : this.strings[c - 1];
  }
}

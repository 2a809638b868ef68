import { describe, expect, it } from 'vitest';
import { ChunkedList } from './chunked-list.ts';
import { createRng } from './rng.ts';
import { liveLargeObjectBytes } from '../../test/heap-spaces.ts';

describe('ChunkedList', () => {
  it('reads, writes, slices and searches like a plain array (random operations across many blocks)', () => {
    const rng = createRng(11);
    const ours = new ChunkedList<string | undefined>();
    let ref: (string | undefined)[] = [];
    for (let step = 0; step < 40_000; step++) {
      const op = rng.next();
      if (op < 0.7) {
        const x = rng.next() < 0.1 ? undefined : `s${Math.floor(rng.next() * 500)}`;
        expect(ours.push(x)).toBe(ref.length);
        ref.push(x);
      } else if (op < 0.8 && ref.length > 0) {
        const k = Math.floor(rng.next() * ref.length);
        ours.set(k, `t${step}`);
        ref[k] = `t${step}`;
      } else if (op < 0.9) {
        const k = Math.floor(rng.next() * (ref.length + 10)) - 5;
        expect(ours.at(k)).toBe(k >= 0 ? ref[k] : undefined);
      } else if (op < 0.99) {
        const x = `s${Math.floor(rng.next() * 500)}`;
        expect(ours.lastIndexOf(x)).toBe(ref.lastIndexOf(x));
      } else if (op < 0.997) {
        const a = Math.floor(rng.next() * (ref.length + 1));
        const b = a + Math.floor(rng.next() * 9000);
        expect(ours.slice(a, b)).toEqual(ref.slice(a, b));
      } else {
        ours.clear();
        ref = [];
      }
      expect(ours.length).toBe(ref.length);
    }
    expect(ours.slice()).toEqual(ref);
  });

  it('refuses to set past its end', () => {
    const l = new ChunkedList<number>();
    l.push(1);
    expect(() => l.set(1, 2)).toThrow(/index 1 outside the list's 1 entries/);
  });

  it('holds half a million references without a large object (a plain array grows one of ~4 MB)', () => {
    const n = 500_000;
    const before = liveLargeObjectBytes();
    const list = new ChunkedList<string>();
    for (let k = 0; k < n; k++) list.push('x');
    const chunked = liveLargeObjectBytes() - before;
    const plain: string[] = [];
    for (let k = 0; k < n; k++) plain.push('x');
    const flat = liveLargeObjectBytes() - before - chunked;
    expect(list.length + plain.length).toBe(2 * n); // both alive while measured
    expect(flat).toBeGreaterThan(8 * n); // the check sees a plain array's elements
    expect(chunked).toBeLessThan(128 * 1024);
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { IdColumn, IdWriter } from './id-column.ts';
import { liveArrayBufferBytes, liveHeapBytes } from '../../test/heap-spaces.ts';

/** Ids the engine issues and ids it does not, mixed: other prefixes, leading zeros, signs, 16 digits, no digits. */
const OTHERS = ['O-0', 'O-007', 'O-', 'O--5', 'O-1.5', 'O-1e3', 'O-12345678901234567', 'X-12', 'o-12', ' O-12', 'O-12 ', 'venue-abc', '', 'O-９'];

function mixedIds(n: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, k) => {
    const r = rng.next();
    if (r < 0.7) return `O-${k + 1}`;
    if (r < 0.8) return `O-${Math.floor(rng.next() * 1e15) + 1}`; // up to 15 digits
    return OTHERS[Math.floor(rng.next() * OTHERS.length)];
  });
}

describe('IdColumn (order ids, the engine\'s own kept as numbers)', () => {
  it('gives back every id pushed, whatever its form, across its 4,096-id blocks', () => {
    const ids = mixedIds(20_000, 5);
    const col = new IdColumn('O-');
    ids.forEach((id, k) => expect(col.push(id)).toBe(k));
    expect(col.length).toBe(ids.length);
    for (let k = 0; k < ids.length; k++) expect(col.at(k)).toBe(ids[k]);
    expect(col.slice(4_090, 4_200)).toEqual(ids.slice(4_090, 4_200));
    expect(col.slice()).toEqual(ids);
    expect(col.at(-1)).toBeUndefined();
    expect(col.at(ids.length)).toBeUndefined();
  });

  it('finds the last entry equal to an id, as an array\'s lastIndexOf does', () => {
    const ids = mixedIds(9_000, 6);
    const col = new IdColumn('O-');
    for (const id of ids) col.push(id);
    for (const id of [...OTHERS, 'O-1', 'O-4097', 'O-8999', 'O-9001', 'nowhere', ids[8_999], ids[4_096]]) expect(col.lastIndexOf(id)).toBe(ids.lastIndexOf(id));
  });

  it('keeps another prefix\'s ids as numbers when it is the column\'s, and the default prefix\'s as strings', () => {
    const col = new IdColumn('live-7:');
    for (const id of ['live-7:1', 'O-2', 'live-7:03', 'live-7:40']) col.push(id);
    expect(col.slice()).toEqual(['live-7:1', 'O-2', 'live-7:03', 'live-7:40']);
  });

  it('starts again from nothing after clear, and the ids pushed then read back', () => {
    const col = new IdColumn();
    for (const id of mixedIds(5_000, 7)) col.push(id);
    col.clear();
    expect(col.length).toBe(0);
    expect(col.at(0)).toBeUndefined();
    const again = mixedIds(300, 8);
    for (const id of again) col.push(id);
    expect(col.slice()).toEqual(again);
  });

  it('holds no string for an id of the engine\'s form: 200,000 of them keep under 0.5 MB of heap (as strings, ~5 MB) and 1.6 MB of typed blocks', () => {
    const col = new IdColumn('O-');
    const heap = liveHeapBytes();
    const buffers = liveArrayBufferBytes();
    for (let k = 1; k <= 200_000; k++) col.push(`O-${k}`);
    expect(liveHeapBytes() - heap).toBeLessThan(512 << 10);
    expect(liveArrayBufferBytes() - buffers).toBeLessThanOrEqual(49 * 32 * 1024);
    expect(col.at(199_999)).toBe('O-200000');
  });
});

describe('IdWriter (the engine\'s order ids without a string per number)', () => {
  it('writes what `${prefix}${n}` writes, in order across every thousand and out of order to 15 digits', () => {
    for (const prefix of ['O-', 'run-7/', '']) {
      const w = new IdWriter(prefix);
      for (let n = 0; n <= 12_345; n++) expect(w.id(n)).toBe(`${prefix}${n}`);
      const rng = createRng(3);
      const edges = [999, 1000, 1001, 9_999, 10_000, 99_999_999, 100_000_000, 999_999_999_999_999, 1000, 5, 1_000_999];
      for (const n of [...edges, ...Array.from({ length: 2000 }, () => Math.floor(rng.next() * 10 ** (1 + Math.floor(rng.next() * 15))))]) {
        expect(w.id(n)).toBe(`${prefix}${n}`);
      }
    }
  });
});

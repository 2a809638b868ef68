import { describe, expect, it } from 'vitest';
import { lz4Block, Lz4Error, lz4Hadoop } from './lz4.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString();

function block(bytes: number[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  lz4Block(Uint8Array.from(bytes), 0, bytes.length, out, 0, n);
  return out;
}

describe('lz4Block (hand-made blocks, LZ4 block format)', () => {
  it('literals only; a match copying its own output (offset 1 repeats a byte); a match at offset 3', () => {
    expect(text(block([0x30, 97, 98, 99], 3))).toBe('abc');
    // token: 1 literal 'x', match length 4 + 2 = 6 at offset 1; then a last sequence of 1 literal 'y'.
    expect(text(block([0x12, 120, 1, 0, 0x10, 121], 8))).toBe('xxxxxxxy');
    // 'abc', then 5 bytes from 3 back (overlapping), then 'z'.
    expect(text(block([0x31, 97, 98, 99, 3, 0, 0x10, 122], 9))).toBe('abcabcabz');
  });

  it('lengths past 15 continue in bytes that add up to 255 each', () => {
    const lits = Array.from({ length: 15 + 255 + 3 }, (_, i) => 97 + (i % 26));
    const out = block([0xf0, 255, 3, ...lits], lits.length);
    expect([...out]).toEqual(lits);
    // 1 literal, then a match of 4 + 15 + 255 + 0 = 274 at offset 1, then one literal.
    const m = block([0x1f, 65, 1, 0, 255, 0, 0x10, 66], 276);
    expect(text(m)).toBe('A'.repeat(275) + 'B');
  });

  it('refuses matches before the start, offset 0, truncated input and a size that disagrees', () => {
    expect(() => block([0x10, 97, 2, 0, 0x10, 98], 7)).toThrow(/match outside/);
    expect(() => block([0x10, 97, 0, 0, 0x10, 98], 7)).toThrow(/match outside/);
    expect(() => block([0x30, 97, 98], 3)).toThrow(/literals run past/);
    expect(() => block([0x30, 97, 98, 99], 4)).toThrow(Lz4Error);
    expect(() => block([0xf0, 255], 300)).toThrow(/length runs past/);
  });
});

describe('lz4Hadoop (Parquet\'s deprecated LZ4 codec)', () => {
  it('reads Hadoop framing (big-endian sizes per block) and falls back to one raw block', () => {
    const framed = Uint8Array.from([0, 0, 0, 3, 0, 0, 0, 4, 0x30, 97, 98, 99, 0, 0, 0, 2, 0, 0, 0, 3, 0x20, 100, 101]);
    const out = new Uint8Array(5);
    lz4Hadoop(framed, out);
    expect(text(out)).toBe('abcde');
    const raw = new Uint8Array(3);
    lz4Hadoop(Uint8Array.from([0x30, 97, 98, 99]), raw);
    expect(text(raw)).toBe('abc');
    expect(() => lz4Hadoop(Uint8Array.from([0, 0, 0, 9, 0, 0, 0, 4, 0x30, 97, 98, 99]), new Uint8Array(9))).toThrow(Lz4Error);
  });
});

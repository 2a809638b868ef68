import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { fieldEnd, parseNumber, parseNumberField, parseTimestamp } from './text-parse.ts';

const enc = new TextEncoder();
const num = (s: string) => { const b = enc.encode(s); return parseNumber(b, 0, b.length); };

describe('parseNumber', () => {
  it('agrees with Number() on 20,000 random decimals (correct rounding)', () => {
    const r = createRng(7);
    const rng = () => r.next();
    for (let k = 0; k < 20_000; k++) {
      const intDigits = Math.floor(rng() * 9);
      const fracDigits = Math.floor(rng() * 10);
      let s = rng() < 0.2 ? '-' : '';
      s += intDigits === 0 ? '0' : String(Math.floor(rng() * 10 ** intDigits));
      if (fracDigits > 0) s += '.' + Array.from({ length: fracDigits }, () => Math.floor(rng() * 10)).join('');
      expect(num(s), s).toBe(Number(s));
      const b = enc.encode(s + ',x');
      expect(parseNumberField(b, 0, b.length), s).toBe(Number(s));
      expect(fieldEnd).toBe(s.length);
    }
  });

  it('falls back to Number() for exponents, long mantissas, quotes and spaces', () => {
    for (const s of ['1e-7', '1.5E+3', '12345678901234567890', '0.1234567890123456789']) expect(num(s)).toBe(Number(s));
    expect(num(' "42.5" ')).toBe(42.5);
  });

  it('NaN for empty or non-numeric text', () => {
    for (const s of ['', '  ', 'abc', '1.2.3', '-', '.', 'NaN']) expect(num(s), JSON.stringify(s)).toBeNaN();
  });
});

describe('parseTimestamp', () => {
  const ts = (s: string) => { const b = enc.encode(s); return parseTimestamp(b, 0, b.length); };
  it('parses dates, ISO date-times with fractions and zones, and epochs', () => {
    expect(ts('2024-02-29')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(ts('2024/02/29')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(ts('2024-02-29T13:14:15.123456Z')).toBe(Date.UTC(2024, 1, 29, 13, 14, 15) * 1000 + 123456);
    expect(ts('2024-02-29 13:14:15.5')).toBe(Date.UTC(2024, 1, 29, 13, 14, 15) * 1000 + 500000);
    expect(ts('1700000000')).toBe(1.7e15);
    expect(ts('1700000000123')).toBe(1.7e15 + 123000);
    expect(ts('1700000000123456')).toBe(1.7e15 + 123456);
  });
  it('NaN for impossible dates', () => {
    for (const s of ['2024-13-01', '2024-00-10', 'yesterday', '2024-01-01T25:00']) expect(ts(s), s).toBeNaN();
  });
});

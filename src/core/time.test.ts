import { describe, expect, it } from 'vitest';
import { daysFromCivil, isoFromMicros, MICROS_PER_DAY, parseDateTime } from './time.ts';

describe('time', () => {
  it('daysFromCivil agrees with Date.UTC over four centuries', () => {
    for (let y = 1900; y <= 2300; y += 7) {
      for (const [m, d] of [[1, 1], [2, 28], [3, 1], [12, 31], [7, 15]]) {
        expect(daysFromCivil(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
      }
    }
    expect(daysFromCivil(2024, 2, 29) * 86_400_000).toBe(Date.UTC(2024, 1, 29));
  });

  it('parses dates, date-times, fractions and offsets as UTC', () => {
    expect(parseDateTime('2006-01-02')).toBe(Date.UTC(2006, 0, 2) * 1000);
    expect(parseDateTime('2006-01-02 09:05:00')).toBe(Date.UTC(2006, 0, 2, 9, 5) * 1000);
    expect(parseDateTime('2021-12-31T23:01:00.000123Z')).toBe(Date.UTC(2021, 11, 31, 23, 1) * 1000 + 123);
    expect(parseDateTime('2021-12-31T23:01:00+01:00')).toBe(Date.UTC(2021, 11, 31, 22, 1) * 1000);
    expect(parseDateTime('2006-13-02')).toBeNaN();
    expect(parseDateTime('yesterday')).toBeNaN();
  });

  it('formats micros as ISO, keeping sub-millisecond digits', () => {
    expect(isoFromMicros(MICROS_PER_DAY)).toBe('1970-01-02T00:00:00.000Z');
    expect(isoFromMicros(1_500)).toBe('1970-01-01T00:00:00.001500Z');
  });
});

import { civilFromDays as civil, daysFromCivil as days } from './time.ts';
describe('civilFromDays', () => {
  it('inverts daysFromCivil and agrees with Date for 1600–2400', () => {
    for (let t = days(1600, 1, 1); t < days(2400, 1, 1); t += 37) {
      const { y, m, d } = civil(t);
      expect(days(y, m, d)).toBe(t);
      const js = new Date(t * 86_400_000);
      expect([y, m, d]).toEqual([js.getUTCFullYear(), js.getUTCMonth() + 1, js.getUTCDate()]);
    }
  });
});

import type { Micros } from '../core/time.ts';

/** Calendar periods a schedule can follow (UTC). */
export type CalendarPeriod = 'monthly' | 'quarterly' | 'yearly';

/** The number of the UTC month, quarter or year a time falls in: equal numbers, same period. */
export function calendarPeriod(ts: Micros, every: CalendarPeriod): number {
  const d = new Date(ts / 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return every === 'yearly' ? y : every === 'quarterly' ? y * 4 + Math.floor(m / 3) : y * 12 + m;
}

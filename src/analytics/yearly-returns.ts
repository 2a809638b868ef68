import { MICROS_PER_DAY, civilFromDays } from '../core/time.ts';

/** Compounded return of each calendar year (UTC): its last equity over the previous year's last (the first year from the first point). */
export function yearlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): { year: number; value: number }[] {
  const out: { year: number; value: number }[] = [];
  let prev = equity[0];
  let year = Number.NaN;
  let last = Number.NaN;
  for (let i = 0; i < ts.length; i++) {
    const y = civilFromDays(Math.floor(ts[i] / MICROS_PER_DAY)).y;
    if (y !== year && !Number.isNaN(year)) {
      out.push({ year, value: last / prev - 1 });
      prev = last;
    }
    year = y;
    last = equity[i];
  }
  if (!Number.isNaN(year)) out.push({ year, value: last / prev - 1 });
  return out;
}

import { MICROS_PER_DAY, civilFromDays } from '../core/time.ts';

/** Compounded return of each calendar month (UTC) of an equity curve. */
export interface MonthlyReturns {
  /** Years covered, ascending. */
  readonly years: readonly number[];
  /** values[y][m]: return of month m (0 = January) of years[y]; NaN when not covered. */
  readonly values: readonly (readonly number[])[];
}

/**
 * Month-by-month returns: each month's last equity over the previous month's last
 * equity (the first month starts from the first point).
 */
export function monthlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): MonthlyReturns {
  const ends = new Map<number, number>(); // y*12+m → last equity of that month
  const order: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const { y, m } = civilFromDays(Math.floor(ts[i] / MICROS_PER_DAY));
    const key = y * 12 + (m - 1);
    if (!ends.has(key)) order.push(key);
    ends.set(key, equity[i]);
  }
  if (order.length === 0) return { years: [], values: [] };
  const first = Math.floor(order[0] / 12);
  const last = Math.floor(order[order.length - 1] / 12);
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const values = years.map(() => new Array<number>(12).fill(Number.NaN));
  let prev = equity[0];
  for (const key of order) {
    const e = ends.get(key)!;
    values[Math.floor(key / 12) - first][key % 12] = e / prev - 1;
    prev = e;
  }
  return { years, values };
}

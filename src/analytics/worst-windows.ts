/** A stretch of a price series: bars [start, end] and the buy-and-hold return over it. */
export interface PriceWindow {
  readonly start: number;
  readonly end: number;
  readonly change: number;
}

/**
 * The `k` worst non-overlapping windows of `length` bars for a buyer and holder: every
 * window's return close[end] / close[start] − 1 (end = start + length − 1), worst first,
 * each taken unless it overlaps one already taken. Fewer when the series is short.
 */
export function worstWindows(close: ArrayLike<number>, length: number, k: number): PriceWindow[] {
  const all: PriceWindow[] = [];
  for (let s = 0; s + length - 1 < close.length; s++) all.push({ start: s, end: s + length - 1, change: close[s + length - 1] / close[s] - 1 });
  all.sort((a, b) => a.change - b.change || a.start - b.start);
  const taken: PriceWindow[] = [];
  for (const w of all) {
    if (taken.length === k) break;
    if (taken.every((t) => w.end < t.start || w.start > t.end)) taken.push(w);
  }
  return taken;
}

/**
 * Widens slot `i`'s seen price range [`lows[i]`, `highs[i]`] to take in `high` and `low`:
 * the same values as `if (high > highs[i]) highs[i] = high; if (low < lows[i]) lows[i] = low`,
 * without a branch on the prices in the common case.
 *
 * Those two branches go one way or the other as prices wander (a bar makes a new high of its
 * trip about one time in four in a 1M-bar ma-cross run), and their mispredictions cost a
 * backtest that keeps round trips ~2–3 % of its run. So while each new price is within a factor
 * of two of the range's end (Sterbenz: `d = high − h` is then exact), the new end is
 * `h + (d + |d|) / 2`: `h + d = high` exactly when `d > 0`, `h + 0 = h` otherwise (`|d|`,
 * doubling and halving are exact, and `d ≤ high / 2` cannot overflow). Anything else — a
 * first price after ±Infinity, zero or negative prices, NaN, a price that doubled, ends near
 * the largest double whose two differences overflow together — takes the branches. The one difference: an end of −0 met by a price of 0 becomes +0 (equal values).
 */
export function widenRange(highs: Float64Array, lows: Float64Array, i: number, high: number, low: number): void {
  const h = highs[i];
  const l = lows[i];
  const up = high - h;
  const down = l - low;
  // Both differences finite (not two infinities of a sign: their difference is NaN), and each
  // price within a factor of two of its end (so both are positive).
  if (Number.isFinite(up + down) && high * 0.5 <= h && h * 0.5 <= high && low * 0.5 <= l && l * 0.5 <= low) {
    highs[i] = h + (up + Math.abs(up)) * 0.5;
    lows[i] = l - (down + Math.abs(down)) * 0.5;
    return;
  }
  if (high > h) highs[i] = high;
  if (low < l) lows[i] = low;
}

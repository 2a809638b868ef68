/**
 * The q-th percentile (0–100) with linear interpolation between order statistics, as
 * numpy's default. NaN for empty input or when any value is NaN.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0 || !(q >= 0 && q <= 100)) return Number.NaN;
  const s = Float64Array.from(values);
  s.sort(); // typed-array sort puts NaN last
  if (Number.isNaN(s[n - 1])) return Number.NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Equal-width bins: centers, counts and the bin width (NaN and infinite values are left out). */
export function histogram(values: ArrayLike<number>, bins: number): { centers: number[]; counts: number[]; width: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return { centers: [], counts: [], width: 0 };
  if (lo === hi) return { centers: [lo], counts: [Array.from(values).filter((v) => v === lo).length], width: 1 };
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { centers: counts.map((_, b) => lo + (b + 0.5) * width), counts, width };
}

/** Fraction of equity points at which a position was open (gross exposure > 0). */
export function exposureTime(grossExposure: ArrayLike<number>): number {
  if (grossExposure.length === 0) return Number.NaN;
  let n = 0;
  for (let i = 0; i < grossExposure.length; i++) if (grossExposure[i] > 0) n++;
  return n / grossExposure.length;
}

import type { ParamSpec, ParamValue } from '../core/search-space.ts';
import type { Rng } from '../core/rng.ts';

/** Rounds to the spec's step grid (anchored at `low`) without float noise. */
function snap(spec: ParamSpec & { type: 'int' | 'float' }, v: number): number {
  const step = spec.step ?? (spec.type === 'int' ? 1 : 0);
  if (step <= 0) return Math.min(spec.high, Math.max(spec.low, v));
  const k = Math.round((v - spec.low) / step);
  const maxK = Math.floor((spec.high - spec.low) / step + 1e-9);
  const x = spec.low + Math.min(maxK, Math.max(0, k)) * step;
  return Number(x.toPrecision(12));
}

/** Every value of a discrete spec in ascending order (ints, stepped floats, categoricals). */
export function gridValues(name: string, spec: ParamSpec): ParamValue[] {
  if (spec.type === 'categorical') return [...spec.choices];
  const step = spec.step ?? (spec.type === 'int' ? 1 : 0);
  if (!(step > 0)) throw new RangeError(`grid search needs a step for float parameter "${name}" (write ${name}=${spec.low}:${spec.high}:STEP)`);
  const n = Math.floor((spec.high - spec.low) / step + 1e-9) + 1;
  return Array.from({ length: n }, (_, k) => Number((spec.low + k * step).toPrecision(12)));
}

/** A uniform (or log-uniform) random value of a spec, on its step grid. */
export function randomValue(spec: ParamSpec, rng: Rng): ParamValue {
  if (spec.type === 'categorical') return spec.choices[Math.floor(rng.next() * spec.choices.length)];
  let v: number;
  if (spec.log) {
    v = Math.exp(Math.log(spec.low) + rng.next() * (Math.log(spec.high) - Math.log(spec.low)));
  } else if (spec.type === 'int' || spec.step) {
    // Uniform over the grid points, so the ends are as likely as the middle.
    const step = spec.step ?? 1;
    const n = Math.floor((spec.high - spec.low) / step + 1e-9) + 1;
    return snap(spec, spec.low + Math.floor(rng.next() * n) * step);
  } else {
    v = spec.low + rng.next() * (spec.high - spec.low);
  }
  return snap(spec, v);
}

/** Moves a numeric value by a Gaussian step of ~10% of the range (log range when log). */
export function mutateValue(spec: ParamSpec, v: ParamValue, rng: Rng, gauss: () => number): ParamValue {
  if (spec.type === 'categorical') return randomValue(spec, rng);
  const x = Number(v);
  if (spec.log) return snap(spec, Math.exp(Math.log(x) + 0.1 * (Math.log(spec.high) - Math.log(spec.low)) * gauss()));
  const moved = x + 0.1 * (spec.high - spec.low) * gauss();
  const step = spec.step ?? (spec.type === 'int' ? 1 : 0);
  // Always move at least one step so a mutation is never a no-op on coarse grids.
  const y = step > 0 && Math.abs(moved - x) < step ? x + (moved >= x ? step : -step) : moved;
  return snap(spec, y);
}

/** Checks that a value lies in its spec (used on resumed and user-given params). */
export function inSpec(spec: ParamSpec, v: ParamValue): boolean {
  if (spec.type === 'categorical') return spec.choices.includes(v);
  return typeof v === 'number' && v >= spec.low - 1e-12 && v <= spec.high + 1e-12 && (spec.type !== 'int' || Number.isInteger(v));
}

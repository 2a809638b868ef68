import { brokenConstraints, type ParamValue, type SearchSpace } from '../core/search-space.ts';
import { gridValues } from './param-values.ts';

/**
 * Every feasible combination of the space's values, in parameter order (the first
 * parameter varies slowest), constraint-filtered.
 */
export function gridPoints(space: SearchSpace): Record<string, ParamValue>[] {
  const names = Object.keys(space.params);
  const values = names.map((n) => gridValues(n, space.params[n]));
  const out: Record<string, ParamValue>[] = [];
  const cur: Record<string, ParamValue> = {};
  const rec = (i: number): void => {
    if (i === names.length) {
      if (brokenConstraints(space, cur).length === 0) out.push({ ...cur });
      return;
    }
    for (const v of values[i]) {
      cur[names[i]] = v;
      rec(i + 1);
    }
  };
  if (names.length > 0) rec(0);
  return out;
}

/** Number of grid combinations before constraints (to refuse absurd grids early). */
export function gridSize(space: SearchSpace): number {
  return Object.entries(space.params).reduce((n, [k, s]) => n * gridValues(k, s).length, 1);
}

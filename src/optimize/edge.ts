import type { ParamValue, SearchSpace } from '../core/search-space.ts';

/** A parameter of the best point that sits at an end of its searched range. */
export interface EdgeParam {
  readonly name: string;
  readonly value: number;
  /** Which end: the lowest or the highest value searched. */
  readonly end: 'low' | 'high';
}

/**
 * The numeric parameters of `params` at an end of their range in `space`: the lowest or
 * highest value the search could propose (for a stepped range, the last grid point before
 * `high`). An optimum there may lie beyond what was searched. Categorical parameters have
 * no order and are never reported.
 */
export function edgeParams(params: Readonly<Record<string, ParamValue>>, space: SearchSpace): EdgeParam[] {
  const out: EdgeParam[] = [];
  for (const [name, spec] of Object.entries(space.params)) {
    const v = params[name];
    if (spec.type === 'categorical' || typeof v !== 'number' || spec.high <= spec.low) continue;
    const step = spec.step ?? (spec.type === 'int' ? 1 : 0);
    const top = step > 0 ? spec.low + Math.floor((spec.high - spec.low) / step + 1e-9) * step : spec.high;
    const tol = step > 0 ? step / 2 : (spec.high - spec.low) * 1e-6;
    if (v <= spec.low + tol) out.push({ name, value: v, end: 'low' });
    else if (v >= top - tol) out.push({ name, value: v, end: 'high' });
  }
  return out;
}

/** One line saying which parameters of the best point are at an end of their range, or null. */
export function edgeNote(edges: readonly EdgeParam[]): string | null {
  if (edges.length === 0) return null;
  const list = edges.map((e) => `${e.name}=${e.value} (the ${e.end === 'low' ? 'lowest' : 'highest'} searched)`).join(', ');
  return `note: the best point is at the edge of the searched range: ${list} — the optimum may lie beyond it; widen the --grid range`;
}

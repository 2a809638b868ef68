import type { ParamValue, SearchSpace } from '../core/search-space.ts';

/** How the best point's neighbourhood scored: a plateau, or a lone spike that luck may explain. */
export interface Plateau {
  /** Complete trials next to the best (each numeric parameter within one step of it — 10% of the range without a step — and the same categories). */
  readonly neighbors: number;
  /**
   * Their mean score, where a trial's score is its objective placed between the worst
   * complete trial (0) and the best (1). Near 1: a plateau; low: a spike.
   */
  readonly score: number;
}

/** Below this neighbourhood score, with at least two neighbours, the best point is called a spike. */
export const SPIKE_BELOW = 0.5;

interface Scored { readonly params: Readonly<Record<string, ParamValue>>; readonly value: number }

/** The best trial's neighbourhood (the first objective; `maximize` gives its direction); null without neighbours or spread. */
export function plateauOf(best: Scored, trials: readonly Scored[], space: SearchSpace, maximize: boolean): Plateau | null {
  const values = trials.map((t) => t.value).filter(Number.isFinite);
  const worst = maximize ? Math.min(...values) : Math.max(...values);
  const spread = best.value - worst;
  if (!(Math.abs(spread) > 0)) return null;
  const near = trials.filter((t) => t !== best && Number.isFinite(t.value) && isNeighbor(best.params, t.params, space));
  if (near.length === 0) return null;
  const score = near.reduce((s, t) => s + (t.value - worst) / spread, 0) / near.length;
  return { neighbors: near.length, score };
}

function isNeighbor(a: Readonly<Record<string, ParamValue>>, b: Readonly<Record<string, ParamValue>>, space: SearchSpace): boolean {
  let same = true;
  for (const [name, spec] of Object.entries(space.params)) {
    const x = a[name];
    const y = b[name];
    if (spec.type === 'categorical' || typeof x !== 'number' || typeof y !== 'number') {
      if (x !== y) return false;
      continue;
    }
    const reach = spec.step ?? (spec.type === 'int' ? 1 : (spec.high - spec.low) / 10);
    if (Math.abs(x - y) > reach * (1 + 1e-9)) return false;
    same &&= x === y;
  }
  return !same;
}

/** A warning when the best point is a spike (null on a plateau). */
export function plateauWarning(p: Plateau | null): string | null {
  if (p === null || p.neighbors < 2 || p.score >= SPIKE_BELOW) return null;
  return `the best point is a spike: its ${p.neighbors} neighbouring trials score ${(p.score * 100).toFixed(0)}% of the way from the worst trial to the best (a plateau is near 100%) — a parameter set whose neighbours also do well is more likely to hold out of sample`;
}

import { createRng, type Rng } from '../core/rng.ts';
import { brokenConstraints, type ParamValue, type SearchSpace } from '../core/search-space.ts';
import { ConfigError } from '../core/errors.ts';
import { randomValue } from './param-values.ts';
import { paramsKey, type Proposal, type Sampler } from './sampler.ts';

/** A feasible random point; unseen when the space allows (up to 200 redraws). */
export function drawFeasible(space: SearchSpace, rng: Rng, seen: Set<string>): Record<string, ParamValue> {
  let fallback: Record<string, ParamValue> | null = null;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const p: Record<string, ParamValue> = {};
    for (const [k, spec] of Object.entries(space.params)) p[k] = randomValue(spec, rng);
    if (brokenConstraints(space, p).length > 0) continue;
    if (!seen.has(paramsKey(p))) return p;
    fallback ??= p;
    if (attempt >= 200) break;
  }
  if (fallback) return fallback;
  throw new ConfigError(`no feasible point found in 1000 random draws: check the ranges against the constraints (${(space.constraints ?? []).map((c) => c.name).join(', ')})`);
}

/** Independent uniform draws (log-uniform where declared), seeded, constraint-aware. */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  private readonly rng: Rng;
  private readonly seen = new Set<string>();
  private next = 0;
  constructor(private readonly space: SearchSpace, private readonly trials: number, seed: number) {
    this.rng = createRng(seed);
  }
  async ask(n: number): Promise<Proposal[]> {
    const out: Proposal[] = [];
    while (out.length < n && this.next < this.trials) {
      const params = drawFeasible(this.space, this.rng, this.seen);
      this.seen.add(paramsKey(params));
      out.push({ number: this.next++, params });
    }
    return out;
  }
  async tell(): Promise<void> {}
  async close(): Promise<void> {}
}

import { createRng, normal, type Rng } from '../core/rng.ts';
import { brokenConstraints, type ParamValue, type SearchSpace } from '../core/search-space.ts';
import { mutateValue } from './param-values.ts';
import { drawFeasible } from './random-sampler.ts';
import { fitness, paramsKey, type Direction, type Proposal, type Sampler, type TrialOutcome } from './sampler.ts';

export interface GeneticOptions {
  /** Individuals per generation (default 20). */
  population?: number;
  /** Best individuals carried unchanged into the next generation (default 2). */
  elite?: number;
  /** Tournament size for parent selection (default 3). */
  tournament?: number;
  /** Probability that a child is a crossover of two parents rather than a copy (default 0.9). */
  crossover?: number;
  /** Per-parameter mutation probability (default 1 / number of params). */
  mutation?: number;
}

interface Individual {
  params: Record<string, ParamValue>;
  score: number;
}

/**
 * Generational genetic algorithm: tournament selection, uniform crossover, Gaussian /
 * resampling mutation, elitism; seeded. Asks one generation at a time and breeds the
 * next once every member is told, so the search does not depend on completion order.
 * Already evaluated points are not proposed again (their score is reused).
 */
export class GeneticSampler implements Sampler {
  readonly name = 'genetic';
  private readonly rng: Rng;
  private readonly o: Required<GeneticOptions>;
  private readonly scores = new Map<string, number>();
  private population: Individual[] = [];
  private pending: Proposal[] = [];
  private waiting = 0;
  private next = 0;
  private generation = 0;

  constructor(private readonly space: SearchSpace, private readonly trials: number, private readonly direction: Direction, seed: number, opts: GeneticOptions = {}) {
    this.rng = createRng(seed);
    const nParams = Math.max(1, Object.keys(space.params).length);
    this.o = { population: 20, elite: 2, tournament: 3, crossover: 0.9, mutation: 1 / nParams, ...opts };
  }

  /** Generations bred so far (0 while the first is evaluated). */
  get generations(): number {
    return this.generation;
  }

  async ask(n: number): Promise<Proposal[]> {
    if (this.pending.length === 0 && this.waiting === 0 && this.next < this.trials) this.breed();
    const out = this.pending.splice(0, n);
    this.waiting += out.length;
    return out;
  }

  async tell(results: readonly { proposal: Proposal; outcome: TrialOutcome }[]): Promise<void> {
    for (const { proposal, outcome } of results) {
      const score = fitness(outcome, this.direction);
      this.scores.set(paramsKey(proposal.params), score);
      this.population.push({ params: { ...proposal.params }, score });
      this.waiting--;
    }
  }

  async close(): Promise<void> {}

  private propose(params: Record<string, ParamValue>): void {
    if (this.next >= this.trials) return;
    this.pending.push({ number: this.next++, params });
  }

  private breed(): void {
    const size = Math.min(this.o.population, this.trials - this.next);
    if (this.generation === 0) {
      const seen = new Set(this.scores.keys());
      for (let i = 0; i < size; i++) {
        const p = drawFeasible(this.space, this.rng, seen);
        seen.add(paramsKey(p));
        this.propose(p);
      }
      this.generation = 1;
      return;
    }
    // Survivors: the previous population ranked by score (ties keep the earlier individual).
    const ranked = [...this.population].sort((a, b) => b.score - a.score).slice(0, this.o.population);
    const elites = ranked.slice(0, this.o.elite);
    const planned = new Set<string>(this.scores.keys());
    let made = 0;
    let guard = 0;
    while (made < size && guard++ < size * 50) {
      const a = this.pick(ranked);
      const b = this.pick(ranked);
      const child: Record<string, ParamValue> = {};
      const cross = this.rng.next() < this.o.crossover;
      for (const k of Object.keys(this.space.params)) child[k] = cross && this.rng.next() < 0.5 ? b.params[k] : a.params[k];
      for (const [k, spec] of Object.entries(this.space.params)) {
        if (this.rng.next() < this.o.mutation) child[k] = mutateValue(spec, child[k], this.rng, () => normal(this.rng));
      }
      if (brokenConstraints(this.space, child).length > 0) continue;
      const key = paramsKey(child);
      if (planned.has(key)) {
        if (guard > size * 25) {
          // The neighbourhood is exhausted: inject a fresh random point instead.
          const fresh = drawFeasible(this.space, this.rng, planned);
          planned.add(paramsKey(fresh));
          this.propose(fresh);
          made++;
        }
        continue;
      }
      planned.add(key);
      this.propose(child);
      made++;
    }
    this.population = elites.map((e) => ({ params: { ...e.params }, score: e.score }));
    this.generation++;
  }

  private pick(ranked: readonly Individual[]): Individual {
    let best = ranked[Math.floor(this.rng.next() * ranked.length)];
    for (let i = 1; i < this.o.tournament; i++) {
      const c = ranked[Math.floor(this.rng.next() * ranked.length)];
      if (c.score > best.score) best = c;
    }
    return best;
  }
}

import type { SearchSpace } from '../core/search-space.ts';
import { gridPoints } from './grid-points.ts';
import type { Proposal, Sampler } from './sampler.ts';

/** Exhaustive cartesian grid in parameter order (optionally capped at `limit` trials). */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  private readonly points;
  private next = 0;
  constructor(space: SearchSpace, limit = Infinity) {
    const all = gridPoints(space);
    this.points = all.slice(0, Math.min(all.length, limit));
  }
  /** Number of trials the grid will run. */
  get size(): number {
    return this.points.length;
  }
  async ask(n: number): Promise<Proposal[]> {
    const out: Proposal[] = [];
    while (out.length < n && this.next < this.points.length) {
      out.push({ number: this.next, params: this.points[this.next] });
      this.next++;
    }
    return out;
  }
  async tell(): Promise<void> {}
  async close(): Promise<void> {}
}

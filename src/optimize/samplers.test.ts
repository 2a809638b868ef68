import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../core/search-space.ts';
import { GeneticSampler } from './genetic-sampler.ts';
import { gridPoints } from './grid-points.ts';
import { GridSampler } from './grid-sampler.ts';
import { RandomSampler } from './random-sampler.ts';
import type { Proposal, Sampler } from './sampler.ts';
import { parseGridFlag, spaceFromFlags } from './space-flags.ts';

const space: SearchSpace = {
  params: { x: { type: 'int', low: 0, high: 20 }, y: { type: 'int', low: 0, high: 10 } },
  constraints: [{ name: 'x > y', check: (p) => Number(p.x) > Number(p.y) }],
};
const score = (p: Proposal['params']) => -((Number(p.x) - 7) ** 2) - (Number(p.y) - 3) ** 2;

async function drive(s: Sampler, batch: number): Promise<Proposal[]> {
  const all: Proposal[] = [];
  for (;;) {
    const props = await s.ask(batch);
    if (props.length === 0) return all;
    all.push(...props);
    await s.tell(props.map((proposal) => ({ proposal, outcome: { state: 'complete', values: [score(proposal.params)] } })));
  }
}

describe('--grid parsing', () => {
  it('ints, stepped floats, log ranges, categoricals', () => {
    expect(parseGridFlag('period=5:44')).toEqual(['period', { type: 'int', low: 5, high: 44 }]);
    expect(parseGridFlag('period=5:44:3')).toEqual(['period', { type: 'int', low: 5, high: 44, step: 3 }]);
    expect(parseGridFlag('k=0.5:2:0.25')).toEqual(['k', { type: 'float', low: 0.5, high: 2, step: 0.25 }]);
    expect(parseGridFlag('lr=0.001:1:log')).toEqual(['lr', { type: 'float', low: 0.001, high: 1, log: true }]);
    expect(parseGridFlag('mode=fast,slow,3')).toEqual(['mode', { type: 'categorical', choices: ['fast', 'slow', 3] }]);
    expect(() => parseGridFlag('p=5:1')).toThrow(/HIGH must be/);
    expect(() => parseGridFlag('p')).toThrow(/name=LOW:HIGH/);
  });
  it('--grid replaces the declared ranges but keeps its constraints', () => {
    const s = spaceFromFlags(['x=1:3'], space);
    expect(s.params).toEqual({ x: { type: 'int', low: 1, high: 3 } });
    expect(s.constraints).toBe(space.constraints);
  });
});

describe('grid', () => {
  it('is the constraint-filtered cartesian product in parameter order (counted by hand)', () => {
    const pts = gridPoints({ params: { a: { type: 'int', low: 1, high: 3 }, b: { type: 'categorical', choices: ['u', 'v'] } } });
    expect(pts).toEqual([{ a: 1, b: 'u' }, { a: 1, b: 'v' }, { a: 2, b: 'u' }, { a: 2, b: 'v' }, { a: 3, b: 'u' }, { a: 3, b: 'v' }]);
    // x in 0..20, y in 0..10 with x > y: for y = k there are 20 − k values of x → Σ_{k=0..10} (20 − k) = 165
    expect(gridPoints(space)).toHaveLength(165);
    expect(new GridSampler(space, 50).size).toBe(50);
  });
  it('float steps stay on the grid without float noise', () => {
    expect(gridPoints({ params: { k: { type: 'float', low: 0.1, high: 0.5, step: 0.1 } } }).map((p) => p.k)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });
});

describe('random', () => {
  it('is seeded, feasible, in range and unique while the space allows', async () => {
    const a = await drive(new RandomSampler(space, 60, 7), 8);
    const b = await drive(new RandomSampler(space, 60, 7), 13);
    const c = await drive(new RandomSampler(space, 60, 8), 8);
    expect(a.map((p) => p.params)).toEqual(b.map((p) => p.params)); // batch size does not matter
    expect(a.map((p) => p.params)).not.toEqual(c.map((p) => p.params));
    expect(a).toHaveLength(60);
    expect(new Set(a.map((p) => JSON.stringify(p.params))).size).toBe(60);
    for (const p of a) {
      expect(Number(p.params.x)).toBeGreaterThan(Number(p.params.y));
      expect(Number(p.params.x)).toBeLessThanOrEqual(20);
    }
  });
  it('covers both ends of an int range (uniform over grid points)', async () => {
    const ps = await drive(new RandomSampler({ params: { n: { type: 'int', low: 1, high: 3 } } }, 200, 1), 50);
    const counts = [1, 2, 3].map((v) => ps.filter((p) => p.params.n === v).length);
    for (const c of counts) expect(c).toBeGreaterThan(40);
  });
});

describe('genetic', () => {
  it('finds the optimum of a smooth objective and is reproducible from its seed', async () => {
    // 0..200 × 0..100 (≈ 15k feasible points): 200 trials cannot find (7, 3) by enumeration.
    const big: SearchSpace = { params: { x: { type: 'int', low: 0, high: 200 }, y: { type: 'int', low: 0, high: 100 } }, constraints: space.constraints };
    const run = async (seed: number, batch: number) => drive(new GeneticSampler(big, 200, 'maximize', seed, { population: 20 }), batch);
    const a = await run(3, 20);
    const b = await run(3, 7);
    expect(a.map((p) => p.params)).toEqual(b.map((p) => p.params));
    const best = Math.max(...a.map((p) => score(p.params)));
    expect(best).toBeGreaterThan(-5); // within a couple of steps of x = 7, y = 3
    // later generations are better on average than the random first one
    const mean = (ps: Proposal[]) => ps.reduce((s, p) => s + score(p.params), 0) / ps.length;
    expect(mean(a.slice(-40))).toBeGreaterThan(mean(a.slice(0, 20)));
    expect(new Set(a.map((p) => JSON.stringify(p.params))).size).toBe(a.length); // never re-proposes a point
    for (const p of a) expect(Number(p.params.x)).toBeGreaterThan(Number(p.params.y));
  });
});

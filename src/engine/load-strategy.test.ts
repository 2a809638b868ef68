import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { parseStrategyParams } from './load-strategy.ts';
import { defineStrategy } from './strategy.ts';

const def = () => defineStrategy({
  name: 'p', description: 'two params', params: z.strictObject({ fast: z.number().int().default(10), slow: z.number().int().default(30) }).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow' }),
  create: () => ({}),
});

describe('parseStrategyParams', () => {
  it('resolves defaults, refuses unknown keys and failed refinements, naming the strategy', () => {
    const d = def();
    expect(parseStrategyParams(d, { fast: 5 })).toEqual({ fast: 5, slow: 30 });
    expect(Object.isFrozen(parseStrategyParams(d, {}))).toBe(true);
    expect(() => parseStrategyParams(d, { fats: 5 })).toThrow(ConfigError);
    expect(() => parseStrategyParams(d, { fats: 5 })).toThrow(/invalid params for strategy p: .*fats/);
    expect(() => parseStrategyParams(d, { fast: 40 })).toThrow(/fast must be shorter than slow/);
  });

  it("makes a strategy's schema strict once, not per run (zod compiles each new schema's parser)", () => {
    const d = def();
    const strict = vi.spyOn(d.params, 'strict');
    for (let k = 0; k < 5; k++) parseStrategyParams(d, { fast: k + 1 });
    expect(strict).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { engineFlags, INLINING_BUDGET } from './v8-flags.ts';

const BUDGET = `--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`;
const EAGER = '--no-lazy-feedback-allocation';

describe('engineFlags', () => {
  it('raises the cumulative inlining budget unless the process was started with its own value', () => {
    expect(engineFlags([], '')).toEqual([BUDGET, EAGER]);
    expect(engineFlags(['--max-inlined-bytecode-size-cumulative=500'], '')).toEqual([EAGER]);
    expect(engineFlags(['--max_inlined_bytecode_size_cumulative=500'], '')).toEqual([EAGER]);
    expect(engineFlags([], '--enable-source-maps --max-inlined-bytecode-size-cumulative=2000')).toEqual([EAGER]);
    // The per-function limit is another flag: ours is still set.
    expect(engineFlags(['--max-inlined-bytecode-size=500'], '')).toEqual([BUDGET, EAGER]);
  });

  it('turns lazy feedback allocation off unless the process was started with its own value', () => {
    expect(engineFlags(['--lazy-feedback-allocation'], '')).toEqual([BUDGET]);
    expect(engineFlags(['--no-lazy-feedback-allocation'], '')).toEqual([BUDGET]);
    expect(engineFlags(['--no_lazy_feedback_allocation'], '')).toEqual([BUDGET]);
    expect(engineFlags([], '--enable-source-maps --lazy-feedback-allocation')).toEqual([BUDGET]);
    // Another flag about feedback is not this one: ours is still set.
    expect(engineFlags(['--invocation-count-for-feedback-allocation=8'], '')).toEqual([BUDGET, EAGER]);
  });
});

describe('tuneV8ForEngines and keepV8Defaults', () => {
  it('the first engine sets the flags, unless the process kept V8\'s defaults before it', async () => {
    vi.resetModules();
    const tuning = await import('./v8-flags.ts');
    tuning.tuneV8ForEngines();
    tuning.tuneV8ForEngines(); // once
    expect(tuning.engineFlagsSet()).toEqual(tuning.engineFlags(process.execArgv, process.env.NODE_OPTIONS ?? ''));
    vi.resetModules();
    const keeping = await import('./v8-flags.ts');
    keeping.keepV8Defaults();
    keeping.tuneV8ForEngines();
    expect(keeping.engineFlagsSet()).toEqual([]);
  });
});

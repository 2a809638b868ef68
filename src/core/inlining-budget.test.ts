import { describe, expect, it, vi } from 'vitest';
import { INLINING_BUDGET, inliningFlag } from './inlining-budget.ts';

describe('inliningFlag', () => {
  it('raises the cumulative inlining budget unless the process was started with its own value', () => {
    expect(inliningFlag([], '')).toBe(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
    expect(inliningFlag(['--max-inlined-bytecode-size-cumulative=500'], '')).toBeNull();
    expect(inliningFlag(['--max_inlined_bytecode_size_cumulative=500'], '')).toBeNull();
    expect(inliningFlag([], '--enable-source-maps --max-inlined-bytecode-size-cumulative=2000')).toBeNull();
    // The per-function limit is another flag: ours is still set.
    expect(inliningFlag(['--max-inlined-bytecode-size=500'], '')).toBe(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
  });
});

describe('raiseInliningBudget and keepDefaultInliningBudget', () => {
  it('the first engine raises the budget, unless the process kept the default before it', async () => {
    vi.resetModules();
    const raising = await import('./inlining-budget.ts');
    raising.raiseInliningBudget();
    // Raised unless this process was started with its own value for the flag.
    expect(raising.inliningBudgetRaised()).toBe(raising.inliningFlag(process.execArgv, process.env.NODE_OPTIONS ?? '') !== null);
    vi.resetModules();
    const keeping = await import('./inlining-budget.ts');
    keeping.keepDefaultInliningBudget();
    keeping.raiseInliningBudget();
    expect(keeping.inliningBudgetRaised()).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
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

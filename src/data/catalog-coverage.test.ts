import { describe, expect, it } from 'vitest';
import { missingSpans, unionSpans } from './catalog-coverage.ts';

describe('coverage spans', () => {
  it('union merges overlapping and touching spans, drops empty ones', () => {
    expect(unionSpans([[5, 7], [0, 2], [2, 3], [6, 9], [4, 4]])).toEqual([[0, 3], [5, 9]]);
  });

  it('missing: the parts of a window no span covers', () => {
    expect(missingSpans(0, 10, [])).toEqual([[0, 10]]);
    expect(missingSpans(0, 10, [[2, 4], [6, 8]])).toEqual([[0, 2], [4, 6], [8, 10]]);
    expect(missingSpans(3, 7, [[0, 4], [6, 20]])).toEqual([[4, 6]]);
    expect(missingSpans(3, 7, [[0, 20]])).toEqual([]);
    expect(missingSpans(0, 10, [[10, 12], [-5, 0]])).toEqual([[0, 10]]);
  });
});

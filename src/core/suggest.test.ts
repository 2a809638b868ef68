import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './suggest.ts';

describe('did you mean', () => {
  it('edit distance counts inserts, deletes, substitutions and swapped neighbours (hand-computed)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('backtset', 'backtest')).toBe(1); // swap
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the nearest candidate within reach, nothing otherwise', () => {
    expect(didYouMean('backtset', ['backtest', 'report', 'optimize'])).toBe(' (did you mean backtest?)');
    expect(didYouMean('--strtegy', ['--strategy', '--data'])).toBe(' (did you mean --strategy?)');
    expect(didYouMean('sma-crss', ['sma-cross', 'ma-cross'])).toBe(' (did you mean sma-cross?)');
    expect(didYouMean('xyz', ['backtest', 'report'])).toBe('');
    expect(didYouMean('opt', ['optimize', 'report'])).toBe(' (did you mean optimize?)'); // a unique prefix
  });
});

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from './tmp.ts';

describe('tempDir', () => {
  const atFileLevel = tempDir();
  let madeInTest = '';

  it('made inside a test, exists during it', () => {
    madeInTest = tempDir().file('x.txt', 'x');
    expect(existsSync(madeInTest)).toBe(true);
  });

  it('is gone once the test that made it has finished', () => {
    expect(madeInTest).not.toBe('');
    expect(existsSync(madeInTest)).toBe(false);
  });

  it('made outside a test, lives until the file ends', () => {
    expect(existsSync(atFileLevel.dir)).toBe(true);
  });
});

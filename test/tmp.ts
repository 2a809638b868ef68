import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, onTestFinished } from 'vitest';

/**
 * A temporary folder, removed when the test that made it finishes (or, made outside a
 * test, after the test file); `file(name, text)` writes into it. An `afterAll` registered
 * from inside a running test never runs, so the two cases take different hooks.
 */
export function tempDir(prefix = 'lockstep-test-'): { dir: string; file: (name: string, text?: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  if (expect.getState().currentTestName === undefined) afterAll(remove);
  else onTestFinished(remove);
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      if (text !== undefined) writeFileSync(p, text);
      return p;
    },
  };
}

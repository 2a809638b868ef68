import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/**
 * The folder of Lockstep's package.json, found by walking up from this module — the same
 * answer from the TypeScript sources (src/core) and the compiled copy (dist/src/core).
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lockstep') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`no lockstep package.json above ${import.meta.dirname}`);
    dir = up;
  }
}

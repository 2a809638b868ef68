import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/**
 * How the running copy is laid out: the TypeScript `sources` (src/…), the `compiled` tree
 * (dist/src/…) or the esbuild `bundle` (dist/bundle/, every chunk side by side). One answer
 * for every module of a copy, since they all sit in the same layout.
 */
export const CODE_LAYOUT: 'sources' | 'compiled' | 'bundle' = new URL('.', import.meta.url).pathname.endsWith('/bundle/') ? 'bundle'
  : import.meta.url.endsWith('.ts') ? 'sources' : 'compiled';

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

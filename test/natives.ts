import { spawnSync } from 'node:child_process';
import { packageRoot } from '../src/core/package-root.ts';

/**
 * Runs `code` (an ES module script that may import the sources) in a child node with V8's
 * natives syntax (%HaveSameMap, %HasSmiElements, …) and returns what it printed: for tests
 * of how V8 sees the engine's objects, which decides whether optimized code survives a run.
 */
export function withNatives(code: string): string {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: packageRoot(), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node --allow-natives-syntax failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

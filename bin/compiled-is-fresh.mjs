// Whether bin/lockstep.js runs the compiled tree: dist/ at least as new as every file the build
// compiles or copies. Plain string tests and paths: it runs before anything else of a command.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** True for a file the build compiles or copies: not tests (`*.test.ts`) nor test oracles (`*oracle*.py`). */
function built(name) {
  if (name.endsWith('.ts')) return !name.endsWith('.test.ts');
  if (name.endsWith('.py')) return !name.includes('oracle');
  return name.endsWith('.mjs') || name.endsWith('.json');
}

/**
 * Newest modification time (ms) of the files under `dir` that the build compiles or copies:
 * tests and test oracles are not built (tsconfig.build.json, scripts/build.mjs), so editing
 * one leaves dist/ current. Runs before anything else of a command (~500 files): plain string
 * tests and paths, no path.join or regular expressions (7 ms here against 15 ms with them).
 */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    const t = e.isDirectory() ? newestSource(p) : built(e.name) ? statSync(p).mtimeMs : 0;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when the package at `root` has dist/ with a build stamp at least as new as its sources (bin/lockstep.js then runs dist/). */
export function compiledIsFresh(root) {
  try {
    const stamp = statSync(join(root, 'dist/.stamp')).mtimeMs;
    return stamp >= Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'strategies')));
  } catch {
    return false;
  }
}

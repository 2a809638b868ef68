// Module hook of the `lockstep` command: a strategy module anywhere on disk may import
// 'lockstep' (this package) even when no node_modules above it has it, and a `.ts` file
// outside any "type": "module" package still loads as an ES module (strategies are ESM), as
// does a `.js` file written with import/export.
//
// 'lockstep' always means the copy that is running (its compiled dist/src/index.js, or the
// TypeScript sources' src/index.ts): a strategy and the engine that runs it share one set of
// classes and state, whatever other copy a node_modules folder may hold.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Beside it in the bundle (dist/bundle/index.js), one folder up in the compiled tree or the sources.
const ENTRY = ['./index.js', '../index.js', '../index.ts'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(fileURLToPath(u))).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'lockstep') return next(ENTRY, context);
  const r = await next(specifier, context);
  if (!r.url.startsWith('file:') || r.url.includes('/node_modules/') || r.format === 'module') return r;
  if (/\.ts$/.test(r.url) || (/\.js$/.test(r.url) && usesEsmSyntax(r.url))) return { ...r, format: 'module' };
  return r;
}

/** True when a file has a top-level import or export statement. */
function usesEsmSyntax(url) {
  try {
    return /^\s*(import\s|import\{|export\s)/m.test(readFileSync(fileURLToPath(url), 'utf8'));
  } catch {
    return false;
  }
}

// esbuild plugin of the build: a bundled strategy's `import { … } from 'lockstep'` takes each
// name from the module that defines it instead of through the public entry (dist/src/index.js).
// With code splitting esbuild ignores "sideEffects" hints (evanw/esbuild#1110) and keeps every
// module an imported entry re-exports unless it can prove the module pure, so a backtest of
// ma-cross loaded the optimizer, the live session, the loopback exchange and the ML modules
// (~250 KB, ~24 ms) because its strategy imported SMA through the entry. The names and classes
// are the same ones (the defining modules are shared chunks): one engine between them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const NAMED = /^export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/gm;
const STAR = /^export\s*\*\s*from\s*['"]([^'"]+)['"]/gm;
const IMPORT = /^import\s*(type\s+)?\{([^}]*)\}\s*from\s*['"]lockstep['"]/gm;
const OTHER_IMPORT = /^import\s+[^{'"\s][^'"]*from\s*['"]lockstep['"]|^export\s[^'"]*from\s*['"]lockstep['"]/m;

/** Where each name of the public entry comes from: an absolute file or a package name. */
async function exportSources(index) {
  const text = readFileSync(index, 'utf8');
  const at = (spec) => (spec.startsWith('.') ? join(dirname(index), spec) : spec);
  const sources = new Map();
  for (const [, list, spec] of text.matchAll(NAMED)) {
    for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [orig, as = orig] = part.split(/\s+as\s+/);
      sources.set(as, { from: at(spec), orig });
    }
  }
  for (const [, spec] of text.matchAll(STAR)) {
    for (const name of Object.keys(await import(pathToFileURL(at(spec)).href))) if (name !== 'default' && !sources.has(name)) sources.set(name, { from: at(spec), orig: name });
  }
  return sources;
}

/** The names a compiled module imports from 'lockstep'; null when it imports it any other way (namespace, default, re-export). */
function importedNames(code) {
  if (OTHER_IMPORT.test(code)) return null;
  const names = [];
  for (const [, type, list] of code.matchAll(IMPORT)) {
    if (type) continue;
    for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) if (!part.startsWith('type ')) names.push(part.split(/\s+as\s+/)[0]);
  }
  return names;
}

/** The plugin: 'lockstep' in files under `strategiesDir` by name, elsewhere the entry itself. */
export async function lockstepByName(index, strategiesDir) {
  const sources = await exportSources(index);
  return {
    name: 'lockstep-by-name',
    setup(build) {
      build.onResolve({ filter: /^lockstep$/ }, (a) => (a.importer.startsWith(strategiesDir) ? { path: a.importer, namespace: 'lockstep-by-name' } : { path: index }));
      build.onLoad({ filter: /.*/, namespace: 'lockstep-by-name' }, (a) => {
        const names = importedNames(readFileSync(a.path, 'utf8'));
        if (names === null) return { contents: `export * from ${JSON.stringify(index)};`, resolveDir: dirname(index) };
        const lines = [...new Set(names)].map((n) => {
          const s = sources.get(n);
          if (!s) throw new Error(`${a.path} imports ${n} from 'lockstep', which does not export it`);
          return `export { ${s.orig === n ? n : `${s.orig} as ${n}`} } from ${JSON.stringify(s.from)};`;
        });
        return { contents: lines.join('\n'), resolveDir: dirname(index) };
      });
    },
  };
}

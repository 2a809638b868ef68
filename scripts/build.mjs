#!/usr/bin/env node
// `npm run build`: compiles src/ and strategies/ to JavaScript with type declarations in
// dist/ (TypeScript 7; relative .ts imports rewritten to .js), copies the files they use
// beside them (.mjs module hooks, the Optuna bridge), and stamps the build. bin/lockstep.js runs dist/ when the stamp is at
// least as new as every source file, else the sources through tsx.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { lockstepByName } from './lockstep-by-name.mjs';
import { asciiBundle } from './ascii-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  rmSync(dist, { recursive: true, force: true }); // a half-built dist must not be run
  console.error('build: tsc failed');
  process.exit(1);
}
// Files the compiled modules use beside them: the .mjs module hooks, the Optuna bridge
// (optuna_bridge.py with its ask_lock.py, trial_ledger.py, their trial_heartbeat.py and json_lines.py); the strategies' READMEs and examples (oracles and tests stay out).
for (const dir of ['src', 'strategies']) {
  for (const rel of readdirSync(join(root, dir), { recursive: true })) {
    const name = String(rel);
    if (/\.(ts)$/.test(name) || /(^|\/)[^/]*oracle[^/]*\.py$/.test(name) || !/\.(mjs|py|json|md)$/.test(name)) continue;
    mkdirSync(dirname(join(dist, dir, name)), { recursive: true });
    copyFileSync(join(root, dir, name), join(dist, dir, name));
  }
}
// The command's bundle: the CLI, the public entry and the worker modules as ES modules with
// shared chunks (one copy of every class between them), zod and trading-signals inlined, the
// heavy or native packages left to node_modules; about 40 files load for a backtest instead of
// ~500 modules. The module hooks and the Optuna bridge sit beside the chunks that use them.
const bundle = join(dist, 'bundle');
// zod's error messages in 50-odd languages are a third of the bundle's largest chunk (368 KB of
// 739 KB) and parsed at every start-up; the bundle keeps English, the one zod configures itself
// with (`z.locales` holds `en` only: a strategy wanting another language imports zod itself).
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (/[\\/]zod[\\/]/.test(a.importer) ? { path: join(dirname(a.importer), '../locales/en.js'), namespace: 'zod-en' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, (a) => ({ contents: `export { default as en } from ${JSON.stringify(a.path)};`, resolveDir: dirname(a.path) }));
  },
};
await esbuild.build({
  entryPoints: {
    main: join(dist, 'src/cli/main.js'), index: join(dist, 'src/index.js'),
    // The bundled strategies, their 'lockstep' names taken from the modules the index takes them from: one engine between them.
    ...Object.fromEntries(readdirSync(join(dist, 'strategies')).map((s) => [`strategies/${s}/index`, join(dist, 'strategies', s, 'index.js')])),
    'bar-reader-worker': join(dist, 'src/data/bar-reader-worker.js'), 'tick-reader-worker': join(dist, 'src/data/tick-reader-worker.js'),
    'trial-worker': join(dist, 'src/optimize/trial-worker.js'),
    // The optimizer's pool as `lockstep optimize` starts it (its workers load the bundle's trial worker), for the optimize bench.
    'trial-pool': join(dist, 'src/optimize/trial-pool.js'),
  },
  plugins: [englishOnlyZodLocales, await lockstepByName(join(dist, 'src/index.js'), join(dist, 'strategies'))],
  bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', outdir: bundle, logLevel: 'warning',
  external: ['ccxt', '@duckdb/*', 'onnxruntime-node', 'parquet-wasm', 'parquet-wasm/*', 'danfojs', 'ws', 'tsx', 'tsx/*', 'plotly.js-dist-min', 'apache-arrow'],
});
// CommonJS copy of the public entry for strategies written with require('lockstep') (the
// "require" condition of the package's exports). Module-relative paths work as in the bundle.
await esbuild.build({
  entryPoints: [join(dist, 'src/index.js')], outfile: join(bundle, 'index.cjs'), bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', plugins: [englishOnlyZodLocales],
  external: ['ccxt', '@duckdb/*', 'onnxruntime-node', 'parquet-wasm', 'parquet-wasm/*', 'danfojs', 'ws', 'tsx', 'tsx/*', 'plotly.js-dist-min', 'apache-arrow'],
  define: { 'import.meta.url': '__lockstepModuleUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const __lockstepModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const twoByte = asciiBundle(bundle);
if (twoByte.length > 0) console.warn(`build: left as they are (a template literal holds a non-ASCII character): ${twoByte.join(', ')}`);
for (const f of ['src/data/worker-bootstrap.mjs', 'src/data/resolve-lockstep.mjs', 'src/optimize/optuna_bridge.py', 'src/optimize/ask_lock.py', 'src/optimize/trial_heartbeat.py', 'src/optimize/trial_ledger.py', 'src/optimize/json_lines.py']) copyFileSync(join(root, f), join(bundle, basename(f)));
writeFileSync(join(dist, '.stamp'), `${new Date().toISOString()}\n`);
console.log(`build: ${dist}`);

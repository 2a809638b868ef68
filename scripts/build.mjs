#!/usr/bin/env node
// `npm run build`: compiles src/ and strategies/ to JavaScript with type declarations in
// dist/ (TypeScript 7; relative .ts imports rewritten to .js), copies the files they use
// beside them (.mjs module hooks, the Optuna bridge), and stamps the build. bin/lockstep.js runs dist/ when the stamp is at
// least as new as every source file, else the sources through tsx.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
// (optuna_bridge.py); the strategies' READMEs and examples (oracles and tests stay out).
for (const dir of ['src', 'strategies']) {
  for (const rel of readdirSync(join(root, dir), { recursive: true })) {
    const name = String(rel);
    if (/\.(ts)$/.test(name) || /(^|\/)[^/]*oracle[^/]*\.py$/.test(name) || !/\.(mjs|py|json|md)$/.test(name)) continue;
    mkdirSync(dirname(join(dist, dir, name)), { recursive: true });
    copyFileSync(join(root, dir, name), join(dist, dir, name));
  }
}
writeFileSync(join(dist, '.stamp'), `${new Date().toISOString()}\n`);
console.log(`build: ${dist}`);

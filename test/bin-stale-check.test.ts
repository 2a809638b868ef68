import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/core/package-root.ts';
import { tempDir } from './tmp.ts';

const tmp = tempDir();

/** A copy of the package's layout whose compiled and source `main` say which one ran. */
function layout(name = 'pkg'): string {
  const root = join(tmp.dir, name);
  const put = (rel: string, text: string) => { mkdirSync(dirname(join(root, rel)), { recursive: true }); writeFileSync(join(root, rel), text); };
  mkdirSync(join(root, 'bin'), { recursive: true });
  for (const f of ['bin/lockstep.js', 'bin/compiled-is-fresh.mjs', 'bin/malloc-thresholds.mjs']) copyFileSync(join(packageRoot(), f), join(root, f));
  copyFileSync(join(packageRoot(), 'package.json'), join(root, 'package.json'));
  symlinkSync(join(packageRoot(), 'node_modules'), join(root, 'node_modules'));
  put('src/data/resolve-lockstep.mjs', 'export async function resolve(s, c, next) { return next(s, c); }\n');
  put('dist/bundle/main.js', "export async function main() { console.log('compiled'); return 0; }\n");
  put('src/cli/main.ts', "export async function main(): Promise<number> { console.log('sources'); return 0; }\n");
  put('src/engine/engine.ts', 'export {};\n');
  put('strategies/s/index.ts', 'export {};\n');
  put('dist/.stamp', '');
  return root;
}

const at = (root: string, rel: string, seconds: number) => utimesSync(join(root, rel), seconds, seconds);
const ran = (root: string) => spawnSync(process.execPath, [join(root, 'bin/lockstep.js'), 'x'], { cwd: root, encoding: 'utf8', timeout: 60_000 }).stdout.trim();

describe('bin/lockstep.js runs dist/ unless a file the build uses is newer than its stamp', () => {
  it('a newer source runs the sources; a newer test or oracle leaves dist/ in use', () => {
    const root = layout();
    for (const f of ['src/data/resolve-lockstep.mjs', 'src/cli/main.ts', 'src/engine/engine.ts', 'strategies/s/index.ts']) at(root, f, 1_000);
    at(root, 'dist/.stamp', 2_000);
    expect(ran(root)).toBe('compiled');
    writeFileSync(join(root, 'src/engine/engine.test.ts'), 'export {};\n');
    writeFileSync(join(root, 'strategies/s/oracle.py'), '');
    at(root, 'src/engine/engine.test.ts', 3_000);
    at(root, 'strategies/s/oracle.py', 3_000);
    expect(ran(root)).toBe('compiled');
    at(root, 'strategies/s/index.ts', 3_000);
    expect(ran(root)).toBe('sources');
  });

  it('reads every kind the build copies: a newer .py (not an oracle), .json or .mjs runs the sources', () => {
    for (const [file, expected] of [
      ['src/optimize/bridge.py', 'sources'], ['src/optimize/check_oracle_sums.py', 'compiled'], ['strategies/s/params.json', 'sources'],
      ['src/data/resolve-lockstep.mjs', 'sources'], ['src/data/notes.md', 'compiled'], ['src/core/x.test.tsx', 'compiled'],
    ] as const) {
      const root = layout(file.replaceAll('/', '-'));
      for (const f of ['src/data/resolve-lockstep.mjs', 'src/cli/main.ts', 'src/engine/engine.ts', 'strategies/s/index.ts']) at(root, f, 1_000);
      if (!file.endsWith('.mjs')) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), '');
      }
      at(root, 'dist/.stamp', 2_000);
      at(root, file, 3_000);
      expect([file, ran(root)]).toEqual([file, expected]);
    }
  });
});

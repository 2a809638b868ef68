import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/core/package-root.ts';
import { tempDir } from './tmp.ts';
// @ts-expect-error -- a plain .mjs script without type declarations
import { asciiOnly } from '../scripts/ascii-bundle.mjs';

const BUNDLE = join(packageRoot(), 'dist/bundle');

/** The source modules (as the bundle's `// dist/src/…` markers name them) in `entries` and every chunk they import statically. */
function staticModules(entries: readonly string[]): string[] {
  const files = new Set<string>();
  const walk = (f: string): void => {
    if (files.has(f)) return;
    files.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) walk(join(dirname(f), m[1] ?? m[2]));
  };
  for (const e of entries) walk(e);
  const mods = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/^\/\/ (dist\/src\/\S+)/gm)) mods.add(m[1]);
  return [...mods];
}

describe('the bundle (npm run build; .ci/run builds before the tests)', () => {
  it('a --no-save backtest of a bundled strategy loads no optimizer, live, ML, report, Monte Carlo or stress module', () => {
    const main = join(BUNDLE, 'main.js');
    expect(existsSync(main)).toBe(true);
    // main.js imports each command's chunk when the command runs.
    const command = /backtest: async \(\) => \(await import\("\.\/(backtest-command-[^"]+)"\)\)/.exec(readFileSync(main, 'utf8'))![1];
    const mods = staticModules([main, join(BUNDLE, command), join(BUNDLE, 'strategies/ma-cross/index.js')]);
    expect(mods).toContain('dist/src/engine/sma.js'); // the walk reaches the modules a backtest uses
    expect(mods).toContain('dist/src/data/csv-bars.js');
    expect(mods.filter((m) => /\/(optimize|live|ml)\/|\/report\/|write-report|read-long-run|read-run|robustness|run-stress/.test(m))).toEqual([]);
  });

  it('a --no-save backtest loads neither node:crypto, node:zlib nor node:worker_threads; --json hashes its fills', () => {
    // The built-ins Node loaded, printed as the process exits (process.moduleLoadList: every internal module, in load order).
    const tmp = tempDir();
    const hook = tmp.file('builtins.cjs', "process.on('exit', () => process.stderr.write('BUILTINS ' + process.moduleLoadList.join(',') + '\\n'));");
    const data = tmp.file('bars.csv', ['ts,open,high,low,close,volume', ...Array.from({ length: 300 }, (_, i) => {
      const c = 100 + 10 * Math.sin(i / 9);
      return `${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()},${c},${c + 1},${c - 1},${c},10`;
    })].join('\n'));
    const run = (...extra: string[]) => {
      const r = spawnSync(process.execPath, ['-r', hook, join(packageRoot(), 'bin/lockstep.js'), 'backtest', '--strategy', 'ma-cross', '--data', data, '--no-save', ...extra], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const loaded = /^BUILTINS (.*)$/m.exec(r.stderr)![1].split(',');
      return { out: r.stdout, loaded: (name: string) => loaded.includes(`NativeModule ${name}`) };
    };
    const summary = run();
    expect(summary.out).toMatch(/^final value/m);
    expect(summary.loaded('fs')).toBe(true); // the list is read as Node writes it
    expect(['crypto', 'zlib', 'worker_threads'].filter(summary.loaded)).toEqual([]);
    // The digest is built when read: the JSON reads it, and node:crypto loads then.
    const json = run('--json');
    expect(JSON.parse(json.out).fillsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(json.loaded('crypto')).toBe(true);
  });

  it('is ASCII text, so V8 holds every chunk as one-byte text', () => {
    const files = readdirSync(BUNDLE, { recursive: true }).map(String).filter((f) => /\.c?js$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => /[^\x00-\x7f]/.test(readFileSync(join(BUNDLE, f), 'utf8')))).toEqual([]);
  });
});

describe('asciiOnly (scripts/ascii-bundle.mjs)', () => {
  it('escapes what a comment, a string, a regular expression and an identifier hold, meaning the same', () => {
    const source = '// ≤ 1 — one\nconst café = "−1 ≥";\nexport const r = /^\uFEFF|^ï»¿/.test("ï»¿x") && café === "\\u22121 \\u2265";\nexport const emoji = "😀".length;';
    const ascii = asciiOnly(source);
    expect(ascii).toMatch(/^[\x00-\x7f]*$/);
    expect(ascii).toContain('// \\u2264 1 \\u2014 one');
    // The same values when run: the regular expression still matches the raw characters, the identifier is the same name.
    const run = (code: string) => new Function(`${code.replaceAll('export ', '')}; return [r, emoji, café];`)();
    expect(run(ascii)).toEqual(run(source));
    expect(run(ascii)).toEqual([true, 2, '−1 ≥']);
  });

  it('leaves a chunk with a non-ASCII character in a template literal as it is (its raw text would change)', () => {
    expect(asciiOnly('export const t = String.raw`≥`;')).toBe(null);
    expect(asciiOnly('export const plain = 1; // already ASCII')).toBe('export const plain = 1; // already ASCII');
  });
});

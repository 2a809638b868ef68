import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/core/package-root.ts';

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
});

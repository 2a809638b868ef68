import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';

/**
 * A strategy in the user's own folder (outside this repository, no package.json, no
 * node_modules) imports 'lockstep' and runs through the `lockstep` command — in the main
 * thread and in optimization workers. Before: "Cannot require() ES Module … in a cycle"
 * (exit 70) or "Cannot find package 'lockstep'".
 */
const ROOT = resolve(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');
const tmp = tempDir('lockstep-user-project-');

const ESM_BODY = `import { defineStrategy, z } from 'lockstep';
export const strategy = defineStrategy({
  name: 'every-nth', description: 'buys 1 every n-th bar', params: z.strictObject({ n: z.number().int().positive().default(50) }),
  create: (p) => { let i = 0; return { onBar: (_b, ctx) => { if (++i % p.n === 0) ctx.buy(1); } }; },
});
`;

function lockstep(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep.js'), ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('strategies outside the repository', () => {
  it.each([
    ['a .ts file with no package.json', 'nth.ts', ESM_BODY.replace('(_b, ctx)', '(_b: unknown, ctx: { buy(q: number): unknown })').replace('(p)', '(p: { n: number })')],
    ['a .mts file', 'nth.mts', ESM_BODY.replace('(_b, ctx)', '(_b: unknown, ctx: { buy(q: number): unknown })').replace('(p)', '(p: { n: number })')],
    ['a .js file written with import/export', 'nth.js', ESM_BODY],
  ])('%s runs a backtest', (_name, file, body) => {
    writeFileSync(join(tmp.dir, file), body);
    const r = lockstep(['backtest', '--strategy', join(tmp.dir, file), '--data', DEMO, '--cash', '100000', '--no-save', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // 255 bars, a buy of 1 on every 50th (bars 50, 100, 150, 200, 250), each filled at the next bar's open (≤ 4,200 each, cash 100,000): 5 fills
    expect(JSON.parse(r.out).fills).toHaveLength(5);
  }, 90_000);

  it('and in optimization workers', () => {
    writeFileSync(join(tmp.dir, 'opt.ts'), ESM_BODY.replace('(_b, ctx)', '(_b: unknown, ctx: { buy(q: number): unknown })').replace('(p)', '(p: { n: number })'));
    const r = lockstep(['optimize', '--strategy', join(tmp.dir, 'opt.ts'), '--data', DEMO, '--grid', 'n=50:100:50', '--no-report', '--json', '--out', join(tmp.dir, 'studies'), '--workers', '2']);
    expect(r.code, r.err).toBe(0);
    const trials = JSON.parse(r.out).trials as Array<{ state: string }>;
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete']);
  }, 90_000);

  it('a CommonJS file that requires lockstep gets a clear error, exit 2', () => {
    const file = join(tmp.dir, 'old.cjs');
    writeFileSync(file, "const { defineStrategy } = require('lockstep');\nmodule.exports.strategy = defineStrategy({});\n");
    const r = lockstep(['backtest', '--strategy', file, '--data', DEMO, '--no-save']);
    if (nodeResolves('lockstep', file)) {
      // The temporary folder lies under a node_modules holding lockstep (TMPDIR inside a checkout,
      // whose setup links node_modules/lockstep to itself): require() gets that copy, and the
      // empty definition is what is wrong.
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(/old\.cjs does not export `strategy` made with defineStrategy/);
      return;
    }
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/imports 'lockstep', which cannot be resolved from its folder: write it as an ES module/);
  }, 90_000);
});

/** Whether Node's own CommonJS resolution finds `specifier` from `file`'s folder. */
function nodeResolves(specifier: string, file: string): boolean {
  try {
    createRequire(file).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

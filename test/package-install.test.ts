import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './tmp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const tmp = tempDir('lockstep-pack-');

/**
 * Lockstep as a dependency: pack it, scaffold a project with `lockstep init` that depends on
 * the tarball, `npm install` it (from npm's cache where it can), and work there as a user
 * does — a backtest and an optimization of the scaffolded strategy with the project's own
 * `lockstep` command, the scaffolded test, and the scaffolded notebook on the tslab kernel.
 */
describe('npm pack → install into a new project → init → backtest, optimize, test, notebook', () => {
  it('works from the installed tarball', () => {
    const run = (cmd: string, args: string[], o: ExecFileSyncOptions = {}) => String(execFileSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...o, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ...o.env } }));
    // The compiled dist/ is current (npm run check builds first): pack it as it is, without
    // prepack's rebuild, which would replace dist/ under other tests running the command.
    expect(existsSync(join(ROOT, 'dist/src/cli/main.js'))).toBe(true);
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp.dir, '--loglevel=error'], { cwd: ROOT });
    const tarball = join(tmp.dir, readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!);
    const packed = run('tar', ['tzf', tarball]);
    for (const f of ['package/dist/bundle/index.js', 'package/dist/bundle/main.js', 'package/dist/src/index.d.ts']) expect(packed).toContain(f);
    const proj = join(tmp.dir, 'my-research');
    run(process.execPath, [join(ROOT, 'bin/lockstep.js'), 'init', proj, '--lockstep', `file:${tarball}`]);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: proj });
    const bin = join(proj, 'node_modules', '.bin', 'lockstep');
    expect(existsSync(bin)).toBe(true);
    // The installed package runs its compiled JavaScript: --version without loading anything,
    // and the compiled CLI (no TypeScript loader until a .ts strategy is loaded).
    expect(run(bin, ['--version'], { cwd: proj }).trim()).toMatch(/^lockstep \d+\.\d+\.\d+$/);
    expect(run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('lockstep'))"], { cwd: proj })).toContain('/node_modules/lockstep/dist/bundle/index.js'); // the package's exports: the bundle
    expect(readFileSync(join(proj, 'node_modules', 'lockstep', 'package.json'), 'utf8')).toMatch(/"name": "lockstep"/);
    // The bundle keeps zod's English messages only (the other locales are left out of it), in both module formats.
    const zodCheck = "console.log(JSON.stringify([Object.keys(z.locales), z.number().safeParse('x').error.issues[0].message]))";
    const english = JSON.stringify([['en'], 'Invalid input: expected number, received string']);
    expect(run(process.execPath, ['--input-type=module', '-e', `import { z } from 'lockstep'; ${zodCheck}`], { cwd: proj }).trim()).toBe(english);
    expect(run(process.execPath, ['-e', `const { z } = require('lockstep'); ${zodCheck}`], { cwd: proj }).trim()).toBe(english);
    // The installed command runs the project's strategy by name.
    const bt = JSON.parse(run(bin, ['backtest', '--strategy', 'my-strategy', '--data', 'data/sample.csv', '--json', '--out', 'reports'], { cwd: proj }));
    expect(bt.fills.length).toBeGreaterThan(0);
    expect(bt.runDir).toContain(join(proj, 'reports'));
    // Independent accounting: cash is 10,000 minus buys plus sells (no fees by default).
    const cash = bt.fills.reduce((c: number, f: { side: string; price: number; qty: number; fee: number }) => c + (f.side === 'buy' ? -1 : 1) * f.price * f.qty - f.fee, 10_000);
    expect(bt.cash).toBeCloseTo(cash, 6);
    // A CommonJS strategy (require('lockstep'): the package's CommonJS copy) trades like the bundled sma-cross it copies.
    mkdirSync(join(proj, 'strategies', 'cjs-cross'));
    writeFileSync(join(proj, 'strategies', 'cjs-cross', 'index.cjs'), `const { CrossDetector, defineStrategy, SMA, z } = require('lockstep');
exports.strategy = defineStrategy({
  name: 'cjs-cross', description: 'sma-cross, written as CommonJS',
  params: z.strictObject({ period: z.number().int().min(1).default(15), size: z.number().positive().default(1) }),
  create(p) {
    const sma = new SMA(p.period);
    const cross = new CrossDetector();
    return { onBar(bar, ctx) {
      const avg = sma.add(bar.close);
      if (avg === null) return;
      const signal = cross.update(bar.close, avg);
      if (ctx.hasOpenOrders()) return;
      if (ctx.position() === 0 && signal === 1) ctx.buy(p.size);
      else if (ctx.position() > 0 && signal === -1) ctx.close();
    } };
  },
});
`);
    const cjs = JSON.parse(run(bin, ['backtest', '--strategy', './strategies/cjs-cross/index.cjs', '--data', 'data/sample.csv', '--json', '--no-save'], { cwd: proj }));
    const bundled = JSON.parse(run(bin, ['backtest', '--strategy', 'sma-cross', '--data', 'data/sample.csv', '--json', '--no-save'], { cwd: proj }));
    expect(cjs.fills.length).toBe(23); // backtrader's quickstart figure on this file
    expect(cjs.fillsDigest).toBe(bundled.fillsDigest);
    const opt = JSON.parse(run(bin, ['optimize', '--strategy', 'my-strategy', '--data', 'data/sample.csv', '--grid', 'fast=5:15:5', '--grid', 'slow=30:50:10', '--json', '--out', 'reports'], { cwd: proj }));
    expect(opt.trials.length).toBe(9);
    expect(opt.trials.filter((t: { error?: string }) => t.error).length).toBe(0);
    // The scaffolded test (node:test, importing lockstep from node_modules).
    expect(run('npm', ['test', '--silent'], { cwd: proj })).toMatch(/# pass 1/);
    // The scaffolded notebook on this repository's tslab kernel, importing the installed lockstep.
    run('jupyter', ['nbconvert', '--to', 'notebook', '--execute', 'research.ipynb', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=120', '--output-dir', join(tmp.dir, 'nb')], {
      cwd: join(proj, 'notebooks'), env: { JUPYTER_PATH: join(ROOT, '.jupyter', 'share', 'jupyter') },
    });
    const nb = JSON.parse(readFileSync(join(tmp.dir, 'nb', 'research.ipynb'), 'utf8')) as { cells: { outputs?: { text?: string | string[] }[] }[] };
    const text = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => [o.text ?? ''].flat().join('')).join('');
    expect(text).toContain(`fills ${bt.fills.length}, final value ${bt.finalValue.toFixed(2)}`); // the same run as the CLI's
  }, 600_000);
});

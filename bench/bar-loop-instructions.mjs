#!/usr/bin/env node
/**
 * Instructions per bar in the optimized bar loop, counted, not timed: for A/B work on the
 * engine's per-bar path, where this project's shared 2-core VMs move timings by 10–20 % from
 * one minute to the next and a change worth 2–4 % cannot be seen in seconds.
 *
 * Runs optimizer trials (100k ma-cross bars each, as goal 5's pairs) under valgrind's
 * callgrind with V8's optimized code of the bar loop (`BarSource.emitRange`, into which the
 * engine, broker, portfolio, strategy and indicators are inlined) printed by the same
 * process; sums callgrind's per-instruction counts over the last compilation of that loop and
 * divides by the number of bars it ran (the count of the loop's head). Order paths inlined
 * into the loop are in the figure, amortized per bar. V8 runs single-threaded with fixed
 * seeds, so the figure repeats to a few instructions; whole-process counts do not (V8's
 * heap heuristics read the clock). A second figure gives the functions the loop calls (not
 * inlined: the order paths' larger parts), inclusive, per bar.
 *
 * `--strategy` swaps ma-cross's body for a part of it, to split the loop's cost (same engine,
 * same trials and parameters):
 * - `nothing`: onBar returns at once (the framework's per-bar path);
 * - `hold`: buys 1 on the first bar and holds it (the path with a position open);
 * - `smas`: updates both SMAs and reads their values, never orders;
 * - `ma-cross` (default): the strategy itself.
 *
 *   node bench/bar-loop-instructions.mjs [TREE] [--keep DIR] [--strategy ma-cross|nothing|hold|smas]
 *
 * TREE: a built tree (`npm run build`), default this one. Needs valgrind (apt-get install
 * valgrind); ~1 minute.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addressCounts, requireValgrind } from './callgrind.mjs';
import { optimizedBlocks } from './v8-printed-code.mjs';

const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keep = keepAt >= 0 ? args.splice(keepAt, 2)[1] : null;
const strategyAt = args.indexOf('--strategy');
const variant = strategyAt >= 0 ? args.splice(strategyAt, 2)[1] : 'ma-cross';
/** Parts of ma-cross's body, in its place (see --strategy above). */
const BODIES = {
  nothing: 'def = { ...def, create: () => ({ onBar() {} }) };',
  hold: 'def = { ...def, create: () => { let first = true; return { onBar(_bar, ctx) { if (first) { first = false; ctx.buy(1); } } }; } };',
  smas: `def = { ...def, create: (p) => {
  const fast = new SMA(p.fast), slow = new SMA(p.slow);
  let above = 0;
  return { onBar(bar) { fast.add(bar.close); slow.add(bar.close); if (fast.value > slow.value) above++; } };
} };`,
};
if (variant !== 'ma-cross' && !(variant in BODIES)) {
  console.error(`bar-loop-instructions: --strategy ${variant}: expected ma-cross or one of ${Object.keys(BODIES).join(', ')}`);
  process.exit(2);
}
const tree = resolve(args[0] ?? join(import.meta.dirname, '..'));
const WARM = 30;
const MEASURED = 5;

/** The trials the loop is counted over: every 37th pair of goal 5's grid, in one thread. */
const TRIALS = `
const root = process.argv[2];
const load = (p) => import(new URL(p, root).href);
const { synthBars } = await load('dist/src/data/synth-bars.js');
const { loadStrategy } = await load('dist/src/engine/load-strategy.js');
const { shareBars } = await load('dist/src/optimize/shared-bars.js');
const { evaluateTrial } = await load('dist/src/optimize/evaluate-trial.js');
const { parseObjectives } = await load('dist/src/optimize/objective.js');
${variant === 'ma-cross' ? "const def = await loadStrategy('ma-cross');" : `let def = await loadStrategy('ma-cross');
const { SMA } = await load('dist/src/index.js');
${BODIES[variant]}`}
const bars = shareBars([synthBars({ count: 100_000, seed: 42 })]);
const config = { strategy: 'ma-cross', cash: 100_000, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
const pairs = [];
for (let f = 2; f <= 20; f += 2) for (let s = 25; s <= 223; s += 2) pairs.push([f, s]);
const objectives = parseObjectives('sharpe');
for (let i = 0; i < ${WARM + MEASURED}; i++) {
  const [fast, slow] = pairs[(i * 37) % pairs.length];
  const r = await evaluateTrial({ number: i, params: { fast, slow }, config, objectives, limits: {}, returnBuckets: 16 }, bars, def);
  if (r.state !== 'complete') throw new Error(r.reason);
}
`;


/** Addresses of the last optimized compilation of the bar loop in V8's --print-opt-code output. */
function lastLoopCode(printed) {
  const loops = optimizedBlocks(printed).filter((b) => b.name === 'emitRange');
  if (loops.length === 0) throw new Error('no optimized emitRange in the printed code: did the trials run?');
  return loops[loops.length - 1].code.map((c) => c.addr);
}

requireValgrind('bar-loop-instructions');
const dir = keep ?? mkdtempSync(join(tmpdir(), 'bar-loop-'));
mkdirSync(dir, { recursive: true });
try {
  const script = join(dir, 'trials.mjs');
  writeFileSync(script, TRIALS);
  const out = join(dir, 'callgrind.out');
  const v8 = ['--hash-seed=1', '--random-seed=1', '--single-threaded', '--max-inlined-bytecode-size-cumulative=8000', '--no-lazy-feedback-allocation',
    '--print-opt-code', '--print-opt-code-filter=emitRange'];
  const printed = execFileSync('valgrind', ['--tool=callgrind', '--dump-instr=yes', `--callgrind-out-file=${out}`, process.execPath, ...v8, script, pathToFileURL(`${tree}/`).href],
    // cwd: the temp folder, so that no strategies/ folder of the caller's is taken for a user's project.
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  if (keep) writeFileSync(join(dir, 'opt-code.txt'), printed);
  const code = lastLoopCode(printed);
  const { own: counts, calls } = addressCounts(out, `0x${code[0].toString(16).padStart(16, '0')}`);
  if (counts.size === 0) throw new Error(`callgrind has no function at 0x${code[0].toString(16)} (the loop's code)`);
  const inLoop = code.map((a) => counts.get(a) ?? 0);
  // The loop's head runs once per bar: the count most instructions share (of those run at least
  // one trial's bars; the code around the loop runs once per batch or trial).
  const freq = new Map();
  for (const c of inLoop) if (c >= 100_000) freq.set(c, (freq.get(c) ?? 0) + 1);
  const bars = [...freq].sort((a, b) => b[1] - a[1])[0][0];
  const total = inLoop.reduce((s, c) => s + c, 0);
  const called = code.reduce((s, a) => s + (calls.get(a) ?? 0), 0);
  console.log(`${tree}: ${(total / bars).toFixed(1)} instructions per bar in the optimized bar loop (${bars.toLocaleString()} bars, ${total.toLocaleString()} instructions; `
    + `trials of 100k bars, strategy ${variant}); in the functions it calls, ${(called / bars).toFixed(1)} more per bar`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

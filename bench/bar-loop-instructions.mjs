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
 * heap heuristics read the clock).
 *
 *   node bench/bar-loop-instructions.mjs [TREE] [--keep DIR]
 *
 * TREE: a built tree (`npm run build`), default this one. Needs valgrind (apt-get install
 * valgrind); ~1 minute.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCosts, requireValgrind } from './callgrind.mjs';
import { optimizedBlocks } from './v8-printed-code.mjs';

const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keep = keepAt >= 0 ? args.splice(keepAt, 2)[1] : null;
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
const def = await loadStrategy('ma-cross');
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


/** callgrind's own counts per instruction address of one function (named by its code's address, as callgrind names JIT code). */
function countsOf(callgrindFile, fnName) {
  const counts = new Map();
  readCosts(callgrindFile, (fn, addr, n, call) => {
    if (!call && fn === fnName) counts.set(addr, (counts.get(addr) ?? 0) + n);
  });
  return counts;
}

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
  const counts = countsOf(out, `0x${code[0].toString(16).padStart(16, '0')}`);
  if (counts.size === 0) throw new Error(`callgrind has no function at 0x${code[0].toString(16)} (the loop's code)`);
  const inLoop = code.map((a) => counts.get(a) ?? 0);
  // The loop's head runs once per bar: the count most instructions share.
  const freq = new Map();
  for (const c of inLoop) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
  const bars = [...freq].sort((a, b) => b[1] - a[1])[0][0];
  const total = inLoop.reduce((s, c) => s + c, 0);
  console.log(`${tree}: ${(total / bars).toFixed(1)} instructions per bar in the optimized bar loop (${bars.toLocaleString()} bars, ${total.toLocaleString()} instructions; ma-cross trials of 100k bars)`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

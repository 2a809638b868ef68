#!/usr/bin/env node
/**
 * Instructions per order cycle, counted per function, not timed: for work on the order path
 * (submit, the venue's answers, the fill's accounting, the logs), where timings on this
 * project's shared VMs drift more than a change moves them.
 *
 * A strategy reverses its position every A-th bar in one process and every B-th in another (a
 * market order each time, filled at the next bar's open), each under valgrind's callgrind with
 * V8 single-threaded and seeded; the difference of each function's own instructions between
 * the two, over the difference of their order counts, is that function's share of one cycle
 * (bar-loop costs cancel out). JIT code is named from V8's `--perf-basic-prof` map; a function
 * V8 inlined is counted in the one it was inlined into; where V8 reused a dropped function's
 * memory, callgrind sums both under one name (see callgrind.mjs): the total is exact, the split
 * indicative. The run's result (metrics, the equity curve) is built after each run, so its per-order
 * part shows too.
 *
 *   node bench/order-cycle-instructions.mjs [TREE] [--every A,B] [--bars N] [--runs R] [--top K] [--inlined]
 *
 * TREE: a built tree (`npm run build`), default this one. Defaults: every 4th and 8th bar, 200k
 * bars, 10 runs, the top 20 functions. Needs valgrind (apt-get install valgrind); ~3 minutes.
 * `--inlined` runs both again with V8's optimized code printed and then splits each optimized
 * function's share by the functions inlined into it, and lists the calls that code makes per
 * cycle (a builtin called where it could be inlined shows there; see inlined-counts.mjs): ~4
 * minutes more. Printing the code changes those runs' heap (their young-generation GC came to
 * ~3k instructions a cycle, against ~110 in the counted runs): read their split, not their totals.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireValgrind, selfCounts } from './callgrind.mjs';
import { inlinedCounts } from './inlined-counts.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const [everyA, everyB] = option('--every', '4,8').split(',').map(Number);
const bars = Number(option('--bars', '200000'));
const runs = Number(option('--runs', '10'));
const top = Number(option('--top', '20'));
const inlinedAt = args.indexOf('--inlined');
const inlined = inlinedAt >= 0 && args.splice(inlinedAt, 1).length > 0;
const tree = resolve(args[0] ?? join(import.meta.dirname, '..'));

/** The runs: a strategy that reverses a unit position every EVERY-th bar; prints the orders filled. */
const FLIP = `
const [root, every, bars, runs] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const load = (p) => import(new URL(p, root).href);
const { runBacktest } = await load('dist/src/session/run-backtest.js');
const { synthBars, sliceBatches } = await load('dist/src/data/synth-bars.js');
const { fillCount } = await load('dist/src/backtest/run-result.js');
const { defineStrategy, z } = await load('dist/src/index.js');
const feed = sliceBatches(synthBars({ count: bars, seed: 42 }), 65_536);
const flip = defineStrategy({ name: 'flip', description: 'reverses every n-th bar', params: z.strictObject({}), create: () => {
  let n = 0;
  return { onBar(_bar, ctx) {
    if (++n % every !== 0 || ctx.hasOpenOrders()) return;
    const delta = ((n / every) & 1 ? 1 : -1) - ctx.position();
    if (delta !== 0) (delta > 0 ? ctx.buy(delta) : ctx.sell(-delta));
  } };
} });
const config = { strategy: 'flip', data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
let orders = 0;
for (let k = 0; k < runs; k++) {
  globalThis.gc(); // each run from a collected heap, as the bench's engine session runs them
  orders += fillCount(await runBacktest(config, { feeds: [feed], strategy: flip }));
}
console.log(JSON.stringify({ orders }));
`;

/** One process under callgrind: its orders and each function's own instructions. */
function measure(dir, every) {
  const out = join(dir, `callgrind-${every}.out`);
  const v8 = ['--single-threaded', '--hash-seed=1', '--random-seed=1', '--perf-basic-prof', '--expose-gc'];
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...v8, join(dir, 'flip.mjs'), pathToFileURL(`${tree}/`).href, String(every), String(bars), String(runs)],
    // cwd: the temp folder, so that no strategies/ folder of the caller's is taken for a user's project.
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the runs under callgrind failed: ${r.stderr.slice(-2000)}`);
  const map = `/tmp/perf-${r.pid}.map`; // V8 writes it there, named by the process id valgrind ran node as
  try {
    return { orders: JSON.parse(r.stdout.trim().split('\n').pop()).orders, self: selfCounts(out, map) };
  } finally {
    rmSync(map, { force: true });
  }
}

/** One process under callgrind with every instruction's count and V8's optimized code printed: its orders and inlinedCounts. */
function measureInlined(dir, every) {
  const out = join(dir, `callgrind-inlined-${every}.out`);
  const v8 = ['--single-threaded', '--hash-seed=1', '--random-seed=1', '--expose-gc', '--print-opt-code', '--code-comments'];
  const r = spawnSync('valgrind', ['--tool=callgrind', '--dump-instr=yes', `--callgrind-out-file=${out}`, process.execPath, ...v8, join(dir, 'flip.mjs'), pathToFileURL(`${tree}/`).href, String(every), String(bars), String(runs)],
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`the runs under callgrind failed: ${r.stderr.slice(-2000)}`);
  return { orders: JSON.parse(r.stdout.trim().split('\n').pop()).orders, ...inlinedCounts(out, r.stdout) };
}

/** Per-cycle differences of two count maps, largest first. */
function perCycleOf(a, b, cycles) {
  return [...new Set([...a.keys(), ...b.keys()])].map((k) => ({ k, n: ((a.get(k) ?? 0) - (b.get(k) ?? 0)) / cycles })).sort((x, y) => y.n - x.n);
}

/** The `--inlined` split: optimized functions by what is inlined into them, and the calls out of them, per cycle. */
function printInlined(dir) {
  const a = measureInlined(dir, everyA);
  const b = measureInlined(dir, everyB);
  const cycles = a.orders - b.orders;
  console.log(`\ninside optimized code, per cycle (optimized function :: the function inlined there; ${cycles.toLocaleString()} cycles):`);
  for (const { k, n } of perCycleOf(a.inlined, b.inlined, cycles).slice(0, 3 * top)) console.log(`${n.toFixed(0).padStart(8)}  ${k}`);
  console.log('\ncalls out of optimized code, per cycle (inclusive instructions; optimized function :: callee):');
  for (const { k, n } of perCycleOf(a.calls, b.calls, cycles).slice(0, top)) console.log(`${n.toFixed(0).padStart(8)}  ${k}`);
}

requireValgrind('order-cycle-instructions');
const dir = mkdtempSync(join(tmpdir(), 'order-cycle-'));
try {
  writeFileSync(join(dir, 'flip.mjs'), FLIP);
  const a = measure(dir, everyA);
  const b = measure(dir, everyB);
  const cycles = a.orders - b.orders;
  if (!(cycles > 0)) throw new Error(`every ${everyA}th bar gave ${a.orders} orders, every ${everyB}th ${b.orders}: the first must give more`);
  const perCycle = [...new Set([...a.self.keys(), ...b.self.keys()])]
    .map((fn) => ({ fn, n: ((a.self.get(fn) ?? 0) - (b.self.get(fn) ?? 0)) / cycles }))
    .sort((x, y) => y.n - x.n);
  const total = perCycle.reduce((s, x) => s + x.n, 0);
  const root = pathToFileURL(`${tree}/`).href;
  console.log(`${tree}: ${total.toFixed(0)} instructions per order cycle (${cycles.toLocaleString()} cycles: ${a.orders.toLocaleString()} orders reversing every ${everyA}th bar against ${b.orders.toLocaleString()} every ${everyB}th; ${runs} runs of ${bars.toLocaleString()} bars each)`);
  for (const { fn, n } of perCycle.slice(0, top)) console.log(`${n.toFixed(0).padStart(8)}  ${fn.replace(root, '').slice(0, 140)}`);
  console.log('(a name of JIT code at a reused address also counts the code that lay there before, e.g. a per-run initializer at hundreds a cycle: see bench/callgrind.mjs)');
  if (inlined) printInlined(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

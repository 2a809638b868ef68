// The engine kept up in its own process for the bars workload's timed runs (goal 2's engine
// figure, goal 5's pairs): the compiled tree (dist/), plain node — as `lockstep backtest` runs —
// with no module hooks and nothing else loaded. (The bench's own process loads its sources
// through tsx; with its CommonJS hook, whose WebAssembly lexer grows its memory, that detached
// an ArrayBuffer, and from then on V8's optimized code checked every typed-array access of the
// process for detachment: ~10 % more instructions per bar, which no user's backtest pays.)
//
//   node --expose-gc --import bin/raise-malloc-thresholds.mjs bench/engine-session.mjs COUNT SEED WARMUPS
//
// Prints one JSON line when ready (after WARMUPS untimed runs), then one per `run` line on
// stdin: the run's seconds (as RunResult.timing.runSeconds: the engine loop), the page faults it
// took, its fills, trades, final value, initial cash and fills digest; `exit` (or stdin's end)
// prints the peak RSS.
import { createInterface } from 'node:readline';

const [count, seed, warmups] = process.argv.slice(2).map(Number);
const dist = new URL('../dist/src/', import.meta.url);
const { runBacktest } = await import(new URL('session/run-backtest.js', dist).href);
const { fillCount } = await import(new URL('backtest/run-result.js', dist).href);
const { synthBars, sliceBatches } = await import(new URL('data/synth-bars.js', dist).href);

const mem = sliceBatches(synthBars({ count, seed }), 65_536);
const config = { strategy: 'ma-cross', params: { fast: 10, slow: 30 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };

/** One run from a collected heap; only its figures are kept (a result held on would keep its memory from the next run). */
async function run() {
  globalThis.gc();
  const faults = process.resourceUsage().minorPageFault;
  const r = await runBacktest(config, { feeds: [mem] });
  return {
    seconds: r.timing.runSeconds, pageFaults: process.resourceUsage().minorPageFault - faults,
    fills: fillCount(r), trades: r.trades.length, finalValue: r.finalValue, initialCash: r.initialCash, fillsDigest: r.fillsDigest,
  };
}

const t = performance.now();
for (let k = 0; k < warmups; k++) await run();
console.log(JSON.stringify({ warmupSeconds: (performance.now() - t) / 1000 }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'run') break;
  console.log(JSON.stringify(await run()));
}
console.log(JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024 }));

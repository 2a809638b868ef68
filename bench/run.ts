import { barsBench } from './bars.bench.ts';
import { optimizeBench } from './optimize.bench.ts';
import { memoryBench, ticksBench } from './ticks.bench.ts';
import { liveBench } from './live.bench.ts';
import { mlBench } from './ml.bench.ts';

/** `npm run bench`: every workload in turn, or only those named on the command line. */
const workloads: Record<string, () => Promise<unknown>> = { bars: barsBench, optimize: optimizeBench, ticks: ticksBench, memory: memoryBench, live: liveBench, ml: mlBench };
const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(workloads)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}

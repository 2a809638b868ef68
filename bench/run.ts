import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { barsBench } from './bars.bench.ts';
import { optimizeBench } from './optimize.bench.ts';
import { ticksBench } from './ticks.bench.ts';
import { memoryBench } from './memory.bench.ts';
import { liveBench } from './live.bench.ts';
import { mlBench } from './ml.bench.ts';
import { catalogBench } from './catalog.bench.ts';
import { startupBench } from './startup.bench.ts';

/**
 * `npm run bench`: every workload, or only those named on the command line. Several
 * workloads run one per child process, so each one's memory figures (RSS) and JIT/GC state
 * are its own, as when it runs alone.
 */
const workloads: Record<string, () => Promise<unknown>> = { bars: barsBench, optimize: optimizeBench, ticks: ticksBench, memory: memoryBench, live: liveBench, ml: mlBench, catalog: catalogBench, startup: startupBench };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in workloads));
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}; choose from ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
const selected = Object.keys(workloads).filter((name) => wanted.length === 0 || wanted.includes(name));
if (selected.length === 1) {
  await workloads[selected[0]]();
} else {
  for (const name of selected) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`bench workload ${name} failed (exit ${r.status ?? r.signal})`);
      process.exit(1);
    }
  }
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machineLine } from './bench-util.ts';

/**
 * `npm run bench`: every workload, or only those named on the command line. Several
 * workloads run one per child process, so each one's memory figures (RSS) and JIT/GC state
 * are its own, as when it runs alone.
 */
// Each loaded only when it runs: a workload's memory figures do not include the others' modules (DuckDB, ONNX Runtime, …).
const workloads: Record<string, () => Promise<unknown>> = {
  bars: async () => (await import('./bars.bench.ts')).barsBench(),
  optimize: async () => (await import('./optimize.bench.ts')).optimizeBench(),
  ticks: async () => (await import('./ticks.bench.ts')).ticksBench(),
  memory: async () => (await import('./memory.bench.ts')).memoryBench(),
  live: async () => (await import('./live.bench.ts')).liveBench(),
  ml: async () => (await import('./ml.bench.ts')).mlBench(),
  catalog: async () => (await import('./catalog.bench.ts')).catalogBench(),
  startup: async () => (await import('./startup.bench.ts')).startupBench(),
};
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in workloads));
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}; choose from ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
const selected = Object.keys(workloads).filter((name) => wanted.length === 0 || wanted.includes(name));
// The machine, once per bench run: the workloads' own processes (several workloads) have BENCH_CHILD set.
if (process.env.BENCH_CHILD === undefined) console.log(machineLine());
if (selected.length === 1) {
  await workloads[selected[0]]();
} else {
  // A workload that fails (a peer missing a package, say) does not stop the others; the run still fails at the end.
  const failed: string[] = [];
  for (const name of selected) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { stdio: 'inherit', env: { ...process.env, BENCH_CHILD: '1' } });
    if (r.status !== 0) {
      console.error(`bench workload ${name} failed (exit ${r.status ?? r.signal}); going on with the others`);
      failed.push(name);
    }
  }
  if (failed.length > 0) {
    console.error(`bench: ${failed.length} of ${selected.length} workloads failed: ${failed.join(', ')} (their JSON under reports/bench/ is from an earlier run, if any)`);
    process.exit(1);
  }
}

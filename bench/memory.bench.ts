import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLongBarFile } from './bars-dataset.ts';
import { buildDist, ROOT, fmtRate, writeBenchJson } from './bench-util.ts';
import { dataset } from './ticks.bench.ts';

const TARGET_MIB = 512;

interface Workload {
  readonly name: string;
  readonly what: string;
  readonly events: number;
  readonly args: () => string[];
}

/** One whole `lockstep backtest` process (result and report saved): wall time and its own peak RSS. */
function runCli(args: string[]): { seconds: number; peakMiB: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-memory-'));
  try {
    const rssFile = join(dir, 'peak-rss');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', join(ROOT, 'bench', 'peak-rss.mjs'), join(ROOT, 'bin', 'lockstep.js'), 'backtest', ...args, '--out', join(dir, 'reports')], {
      encoding: 'utf8', env: { ...process.env, LOCKSTEP_PEAK_RSS_FILE: rssFile }, maxBuffer: 1 << 26,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`lockstep backtest ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
    return { seconds, peakMiB: Number(readFileSync(rssFile, 'utf8')) / 1024, out: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Memory bounded by design: whole `lockstep backtest` processes, the result and the HTML
 * report saved, on 10M and 100M one-minute bars (ma-cross 10/30) and on 100M L2 events
 * (grid-mm): each process's own peak RSS (worker threads included) must stay under 512 MiB
 * whatever the run's length — the series go to Parquet as the run goes.
 */
export async function memoryBench(): Promise<Record<string, unknown>> {
  buildDist(); // the figures are the command as shipped, not the sources through tsx
  const workloads: Workload[] = [
    { name: 'bars10M', what: '10M one-minute bars, ma-cross 10/30', events: 10_000_000, args: () => ['--strategy', 'ma-cross', '--data', ensureLongBarFile(10_000_000)] },
    { name: 'bars100M', what: '100M one-minute bars, ma-cross 10/30', events: 100_000_000, args: () => ['--strategy', 'ma-cross', '--data', ensureLongBarFile(100_000_000)] },
    { name: 'l2100M', what: '100M L2 events (book deltas + trades), grid-mm', events: 100_000_000, args: () => ['--strategy', 'grid-mm', '--queue', 'probabilistic', '--cash', '1000000', '--data', dataset('l2big')] },
  ];
  const wanted = process.env.LOCKSTEP_MEMORY_WORKLOADS?.split(',');
  const figures: Record<string, unknown> = { targetPeakMiB: TARGET_MIB };
  const lines = [`memory: whole lockstep backtest processes with result + report saved (target: peak RSS < ${TARGET_MIB} MiB each)`];
  for (const w of workloads.filter((x) => !wanted || wanted.includes(x.name))) {
    const args = w.args();
    const r = runCli(args);
    const fills = Number(/^fills\s+(\d+)/m.exec(r.out)?.[1] ?? Number.NaN);
    figures[w.name] = { events: w.events, fills, seconds: r.seconds, eventsPerSec: w.events / r.seconds, peakRssMiB: r.peakMiB, underTarget: r.peakMiB < TARGET_MIB };
    lines.push(`  ${w.what.padEnd(48)} peak ${r.peakMiB.toFixed(0).padStart(4)} MiB  ${r.seconds.toFixed(1).padStart(6)} s  ${fmtRate(w.events / r.seconds)} events/s  ${fills} fills`);
  }
  const out = writeBenchJson('memory', figures);
  console.log([...lines, `  → ${out}`].join('\n'));
  return figures;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(import.meta.dirname, '..');
export const BENCH_DATA = join(ROOT, 'data', 'bench');
export const BENCH_OUT = join(ROOT, 'reports', 'bench');

/** A full collection when the bench runs with --expose-gc (`npm run bench`): one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs `fn` `reps` times and returns the median wall time in seconds with the last value. */
export async function timeIt<T>(reps: number, fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < reps; i++) {
    collectGarbage();
    const t0 = performance.now();
    value = await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], value };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

/** Writes a benchmark's figures to reports/bench/NAME.json. */
export function writeBenchJson(name: string, figures: Record<string, unknown>): string {
  mkdirSync(BENCH_OUT, { recursive: true });
  const file = join(BENCH_OUT, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, ...figures }, null, 2));
  return file;
}

export const fmtRate = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));

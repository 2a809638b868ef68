import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(import.meta.dirname, '..');
export const BENCH_DATA = join(ROOT, 'data', 'bench');
export const BENCH_OUT = join(ROOT, 'reports', 'bench');

/**
 * Compiles `dist/` (npm run build) before a workload times the `lockstep` command: with
 * `dist/` older than the sources, bin/lockstep.js runs them through tsx, and a whole-process
 * figure would measure that (goal 2's 200k-bar process: 1.61 s through tsx, 0.49 s compiled).
 */
export function buildDist(): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}

/** An entry of the command's bundle (`dist/bundle/<name>`, built first with `buildDist`): the code `lockstep` runs. */
export async function bundledModule<T>(name: string): Promise<T> {
  return await import(pathToFileURL(join(ROOT, 'dist/bundle', name)).href) as T;
}

/** A full collection when the bench runs with --expose-gc (`npm run bench`): one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The middle value of `xs` (the upper middle of an even count); `xs` is left as it was. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
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
  return { seconds: median(times), value };
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
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, machine: machine(), ...figures }, null, 2));
  return file;
}

/** The machine a bench ran on. Figures and ratios depend on it (the project's VMs have been 2-core Xeons and 2-core AMD EPYCs). */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** Operating system and its release (`os.type()`, `os.release()`). */
  readonly kernel: string;
}

export function machine(): Machine {
  const c = cpus();
  return { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: `${type()} ${release()}` };
}

/** One line naming the machine, printed before a bench run's figures. */
export function machineLine(): string {
  const m = machine();
  return `bench on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${process.version.slice(1)}, ${m.kernel}`;
}

export const fmtRate = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));

/**
 * What writing memory costs on this machine: 32 MiB of new Float64Arrays written once
 * (first touch: every page faulted in) and then again (pages resident), in MiB/s, median of
 * 3. On a virtual machine that hands free pages back to its host the first figure is far
 * below the second, and a run's new columns and retained records pay it.
 */
export function memoryTouchMiBps(): { firstTouch: number; rewrite: number } {
  const n = 1 << 20;
  const first: number[] = [];
  const again: number[] = [];
  for (let r = 0; r < 3; r++) {
    const cols = [0, 1, 2, 3].map(() => new Float64Array(n));
    const write = (v: number) => {
      const t = performance.now();
      for (const c of cols) for (let i = 0; i < n; i++) c[i] = i + v;
      return (4 * 8 * n) / 2 ** 20 / ((performance.now() - t) / 1000);
    };
    first.push(write(0));
    again.push(write(1));
  }
  return { firstTouch: median(first), rewrite: median(again) };
}

import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { builtin } from '../core/builtin.ts';
import { CODE_LAYOUT } from '../core/package-root.ts';

/**
 * Where worker threads' files are, from the running copy: the TypeScript sources (src/…),
 * the compiled tree (dist/src/…) or the bundle (dist/bundle/, every entry side by side).
 */
const BUNDLED = CODE_LAYOUT === 'bundle';
const EXT = CODE_LAYOUT === 'sources' ? '.ts' : '.js'; // the bundle's workers are ES modules, also for its CommonJS copy

/** The URL of a worker module, given as its path under src/ without extension. */
export function workerEntry(path: 'data/bar-reader-worker' | 'data/tick-reader-worker' | 'optimize/trial-worker'): string {
  return new URL(BUNDLED ? `./${basename(path)}${EXT}` : `../${path}${EXT}`, import.meta.url).href;
}

/** The worker bootstrap (registers module hooks, then imports the entry). */
const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/**
 * Starts a worker thread running the bootstrap, which imports `workerData.entry`.
 * The thread inherits the process's node flags, as Node does by default: V8 flags such as
 * `--max-old-space-size` are the process's anyway, and Node refuses a worker whose explicit
 * `execArgv` names one. The bootstrap is started from a string (`import(…)`, valid as a
 * CommonJS or an ES module script), because a worker that inherits `--input-type` — a script
 * run as `node --input-type=module -e '…'` — may only be started from string input.
 */
export function startWorker(workerData: { kind: string; entry: string } & Record<string, unknown>): Worker {
  const { Worker } = builtin('node:worker_threads');
  return new Worker(`import(${JSON.stringify(BOOTSTRAP.href)});`, { eval: true, workerData });
}

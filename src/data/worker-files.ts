import { basename } from 'node:path';
import { CODE_LAYOUT } from '../core/package-root.ts';

/**
 * Where worker threads' files are, from the running copy: the TypeScript sources (src/…),
 * the compiled tree (dist/src/…) or the bundle (dist/bundle/, every entry side by side).
 */
const BUNDLED = CODE_LAYOUT === 'bundle';
const EXT = CODE_LAYOUT === 'sources' ? '.ts' : '.js'; // the bundle's workers are ES modules, also for its CommonJS copy

/** The worker bootstrap (registers module hooks, then imports the entry). */
export const WORKER_BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** The URL of a worker module, given as its path under src/ without extension. */
export function workerEntry(path: 'data/bar-reader-worker' | 'data/tick-reader-worker' | 'optimize/trial-worker'): string {
  return new URL(BUNDLED ? `./${basename(path)}${EXT}` : `../${path}${EXT}`, import.meta.url).href;
}

/**
 * The node flags a worker thread starts with: the process's own, less `--input-type`, which
 * only a string given with `-e`/`-p` or on stdin may have (a worker inherits the flags, and
 * Node refuses to start one with it: `node --input-type=module -e '…'` could not read ticks
 * or run optimizer trials on threads).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let k = 0; k < execArgv.length; k++) {
    if (execArgv[k] === '--input-type') k++; // and its value
    else if (!execArgv[k].startsWith('--input-type=')) out.push(execArgv[k]);
  }
  return out;
}

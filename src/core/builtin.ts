import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** The Node built-ins that only some runs use, by name. */
interface LazyBuiltins {
  'node:crypto': typeof import('node:crypto');
  'node:zlib': typeof import('node:zlib');
  'node:worker_threads': typeof import('node:worker_threads');
}

/**
 * A Node built-in loaded when a run first needs it instead of when the module naming it
 * loads: node:crypto (a result's fill digest, read by few), node:zlib (gzip pages and
 * files), node:worker_threads (reader and trial threads). Each costs a command 2–6 ms
 * of start-up and some hundred fresh pages when imported statically; a plain `lockstep
 * backtest` uses none of them.
 */
export function builtin<K extends keyof LazyBuiltins>(name: K): LazyBuiltins[K] {
  return load(name) as LazyBuiltins[K];
}

#!/usr/bin/env node
// Entry of the `lockstep` command. Runs the compiled JavaScript in dist/ when it is at least
// as new as every TypeScript source (npm run build; the published package ships it), else
// the sources through tsx's loader — so an edit is never run stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledIsFresh } from './compiled-is-fresh.mjs';
import { raiseMallocThresholds } from './malloc-thresholds.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Before anything is compiled: V8's compile threads then keep their memory (see malloc-thresholds.mjs).
raiseMallocThresholds();

// `lockstep --version` needs nothing else loaded.
if (['--version', '-V', 'version'].includes(process.argv[2]) && process.argv.length === 3) {
  process.stdout.write(`lockstep ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}

// `lockstep … | head`: the reader went away; stop quietly instead of printing an EPIPE stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** Where an error was raised: its first stack frame outside Node and node_modules. */
function origin(e) {
  const frames = String(e?.stack ?? '').split('\n').slice(1);
  const own = frames.find((f) => !f.includes('node:') && !f.includes('node_modules'));
  return own ? own.trim().replace(/^at /, '').replace(/^.*\((.*)\)$/, '$1').replace(/^file:\/\//, '') : null;
}

// A promise nobody awaited (in a strategy or script) failed: one line naming it and where, exit 3 (a strategy error).
// A session that handles these itself (live: network errors of ccxt's streams) has its own listener.
process.on('unhandledRejection', (reason) => {
  if (process.listenerCount('unhandledRejection') > 1) return;
  const msg = reason instanceof Error ? reason.message : String(reason);
  const at = origin(reason);
  process.stderr.write(`lockstep: a promise that was not awaited failed: ${msg}${at ? ` (at ${at})` : ''}`
    + `${process.env.LOCKSTEP_DEBUG ? `\n${reason?.stack ?? ''}` : ' — await or catch it (set LOCKSTEP_DEBUG=1 for the stack)'}\n`);
  process.exit(3);
});

const { register } = await import('node:module');
let main;
if (compiledIsFresh(ROOT)) {
  // No module hooks: the bundled strategies need none; one from elsewhere brings them (load-strategy.ts).
  globalThis.__lockstepCompiled = true;
  ({ main } = await import('../dist/bundle/main.js'));
} else {
  (await import('tsx/esm/api')).register();
  // After tsx, so it runs first: 'lockstep' resolves to these sources for strategies anywhere.
  register('../src/data/resolve-lockstep.mjs', import.meta.url);
  ({ main } = await import('../src/cli/main.ts'));
}
/**
 * Exits with `code` once stdout and stderr have taken every write (writes to pipes are
 * asynchronous on POSIX). Returning from the entry instead lets Node tear the isolate down,
 * freeing the heap page by page, before the process ends.
 */
function exitWhenFlushed(code) {
  let streams = 2;
  const flushed = () => {
    if (--streams === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

const code = await main(process.argv.slice(2));
// A returned `lockstep backtest` has awaited all its work (files written; an idle tick reader
// thread is unref'd), so it exits at once: from its last output to its end 8.9 ms instead of
// 16.6 ms on a 200k-bar run (medians of 15 alternating processes). Other commands end
// naturally: a live session's exchange connections close in the background.
if (process.argv[2] === 'backtest') exitWhenFlushed(code);
else process.exitCode = code;

#!/usr/bin/env node
// Entry of the `lockstep` command: registers the tsx loader so the TypeScript
// sources run directly on Node 20, then hands argv to the CLI.
import { register } from 'tsx/esm/api';

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

register();
// After tsx, so it runs first: 'lockstep' resolves for strategies outside this repository.
(await import('node:module')).register('../src/data/resolve-lockstep.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

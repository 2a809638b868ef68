// Worker threads start without the parent's module hooks: register tsx when the worker
// module named in workerData.entry is TypeScript (the sources; the compiled copy needs none,
// and loads tsx only for a .ts strategy), then load it.
import { workerData } from 'node:worker_threads';
import module from 'node:module';

if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
else globalThis.__lockstepCompiled = true; // compiled: a .ts strategy brings tsx's loader (load-strategy.ts)
// Strategies outside this repository resolve 'lockstep' in workers too (see resolve-lockstep.mjs).
module.register("./resolve-lockstep.mjs", import.meta.url);
await import(workerData.entry);


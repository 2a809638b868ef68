// Worker threads start without the parent's TypeScript loader: register tsx, then load
// the TypeScript worker module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';
import module from 'node:module';

register();
// Strategies outside this repository resolve 'lockstep' in workers too (see resolve-lockstep.mjs).
module.register("./resolve-lockstep.mjs", import.meta.url);
await import(workerData.entry);


// Worker threads start without the parent's TypeScript loader: register tsx, then load
// the TypeScript worker module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);

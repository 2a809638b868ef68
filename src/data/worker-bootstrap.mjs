// Worker threads start without the parent's module hooks. From the TypeScript sources:
// register tsx and the hook that resolves 'lockstep' for strategies anywhere (see
// resolve-lockstep.mjs). The compiled bundle needs neither; load-strategy.ts registers them
// when a strategy from outside the bundle is loaded. Then load the worker module.
import { workerData } from 'node:worker_threads';
import module from 'node:module';

if (workerData.entry.endsWith('.ts')) {
  (await import('tsx/esm/api')).register();
  module.register('./resolve-lockstep.mjs', import.meta.url);
} else {
  globalThis.__lockstepCompiled = true;
}
await import(workerData.entry);

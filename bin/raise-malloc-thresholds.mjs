// `node --import bin/raise-malloc-thresholds.mjs …`: raiseMallocThresholds() before anything else of
// a process that runs backtests one after another without the `lockstep` command (the notebook
// kernel, `npm run bench`).
import { raiseMallocThresholds } from './malloc-thresholds.mjs';

raiseMallocThresholds();

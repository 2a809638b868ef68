import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { trialWarnings } from '../cli/trial-warnings.ts';
import type { StudyResult } from './study-spec.ts';
import { TrialLedger } from './trial-ledger.ts';

const tmp = tempDir();

/** Fails the trial with storage id `trialId` as stale, as another process's heartbeat watch does (trial_heartbeat.py). */
function failAsStale(storage: string, trialId: number): void {
  execFileSync(PYTHON, ['-c', `
import optuna
from optuna.trial import TrialState
s = optuna.storages.RDBStorage(${JSON.stringify(storage)})
s.set_trial_user_attr(${trialId}, "stale", True)
s.set_trial_state_values(${trialId}, TrialState.FAIL)`]);
}

describe('results that come in after another process failed their trial as stale', () => {
  it('the ledger keeps what became of each for the study\'s warnings', async () => {
    const storage = `sqlite:///${tmp.file('ledger.db')}`;
    const ledger = new TrialLedger({ storage, study: 'late', directions: ['maximize'], trials: 2, identity: { k: 1 } });
    try {
      const c = await ledger.claim(2);
      expect(c).not.toBeNull();
      failAsStale(storage, c!.ticket); // a claim's ticket is its trial's storage id
      await ledger.finish(c!, { number: c!.n, params: {}, state: 'complete', values: [2], finalValue: 1, metrics: null, seconds: 0 });
      expect(ledger.lateResults).toEqual([`the claim of trial ${c!.n} was failed as stale by another process while this one ran it (no heartbeat for the grace period: was this process paused?); its result was kept`]);
    } finally {
      await ledger.close();
    }
  }, 60_000);

  it('are a warning of the run, naming the first and counting the rest across folds', () => {
    const study = (lateResults?: string[]) => ({ trials: [], ...(lateResults ? { lateResults } : {}) }) as unknown as StudyResult;
    expect(trialWarnings([{ study: study() }], 'tpe')).toEqual([]);
    expect(trialWarnings([{ study: study(['trial 3 of study s was failed as stale …; its result was kept as trial 9']) }], 'tpe')).toEqual([
      'a result came in after another process of the shared study had given up on the trial: trial 3 of study s was failed as stale …; its result was kept as trial 9',
    ]);
    expect(trialWarnings([{ study: study(), fold: 1 }, { study: study(['A', 'B']), fold: 2 }, { study: study(['C']), fold: 3 }], 'tpe')).toEqual([
      '3 results came in after another process of the shared study had given up on the trial: fold 2: A (and 2 more, each said on stderr as it came)',
    ]);
  });
});

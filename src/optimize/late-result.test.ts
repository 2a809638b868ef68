import { describe, expect, it } from 'vitest';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { pythonJson, runPython } from '../../test/python.ts';
import { tempDir } from '../../test/tmp.ts';
import { trialWarnings } from '../cli/trial-warnings.ts';
import { OptunaSampler } from './optuna-sampler.ts';
import type { StudyResult } from './study-spec.ts';
import { TrialLedger } from './trial-ledger.ts';

const tmp = tempDir();

/** Fails the trial with storage id `trialId` as stale, as another process's heartbeat watch does (trial_heartbeat.py). */
function failAsStale(storage: string, trialId: number): void {
  runPython(`
import optuna
from optuna.trial import TrialState
s = optuna.storages.RDBStorage(${JSON.stringify(storage)})
s.set_trial_user_attr(${trialId}, "stale", True)
s.set_trial_state_values(${trialId}, TrialState.FAIL)`);
}

/** The storage id of trial `number` of study `study`. */
function trialId(storage: string, study: string, number: number): number {
  return pythonJson<number>(`
import optuna
s = optuna.storages.RDBStorage(${JSON.stringify(storage)})
print(s.get_trial_id_from_study_id_trial_number(s.get_study_id_from_name(${JSON.stringify(study)}), ${number}))`);
}

describe('results that come in after another process failed their trial as stale', () => {
  it('the Optuna sampler keeps what became of each for the study\'s warnings', async () => {
    const storage = `sqlite:///${tmp.file('optuna.db')}`;
    const s = new OptunaSampler(maCross.space!, { sampler: 'random', directions: ['maximize'], seed: 1, trials: 4, study: 'late', storage });
    try {
      const [p] = await s.ask(1);
      failAsStale(storage, trialId(storage, 'late', p.number));
      await s.tell([{ proposal: p, outcome: { state: 'complete', values: [1.5], record: { n: p.number } } }]);
      expect(s.lateResults).toHaveLength(1);
      // The study had room: the result is kept under the next free number (1: trial 0 stays failed).
      expect(s.lateResults[0]).toMatch(new RegExp(`^trial ${p.number} of study late was failed as stale by another process.*its result was kept as trial 1$`));
      // The process goes on and counts the stale trial as failed, as the storage holds it: the study of 4 takes
      // three more trials (2, 3, 4) after the kept one, not two (its cached copy said running, which counts).
      const more: number[] = [];
      for (let q = await s.ask(1); q.length > 0; q = await s.ask(1)) {
        more.push(q[0].number);
        await s.tell([{ proposal: q[0], outcome: { state: 'complete', values: [q[0].number], record: { n: q[0].number } } }]);
      }
      expect(more).toEqual([2, 3, 4]);
    } finally {
      await s.close();
    }
  }, 60_000);

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

import type { TrialResult } from '../optimize/evaluate-trial.ts';
import { brokenCounts, type StudyResult } from '../optimize/study-spec.ts';

/** A study of a run (a walk-forward's fold is named by its number from 1). */
interface NamedStudy {
  readonly study: StudyResult;
  readonly fold?: number;
}

/**
 * What a run's studies do not say by themselves about their trials: how many failed, with the
 * first one's reason (its first line); results that came in after another process of a shared
 * study had failed their trial as stale, and what became of them; and how many of the sampler's
 * proposals broke the space's constraints and were not run.
 */
export function trialWarnings(studies: readonly NamedStudy[], sampler: string): string[] {
  const out: string[] = [];
  const failed: Array<{ t: TrialResult; fold?: number }> = [];
  let trials = 0;
  let withdrawn = 0;
  const constraints: Record<string, number> = {};
  const late: string[] = [];
  for (const { study, fold } of studies) {
    trials += study.trials.length;
    for (const l of study.lateResults ?? []) late.push(fold !== undefined ? `fold ${fold}: ${l}` : l);
    for (const t of study.trials) if (t.state === 'failed') failed.push({ t, ...(fold !== undefined ? { fold } : {}) });
    withdrawn += study.withdrawn?.proposals ?? 0;
    for (const [n, k] of Object.entries(study.withdrawn?.constraints ?? {})) constraints[n] = (constraints[n] ?? 0) + k;
  }
  const across = studies.length > 1 ? ' across the folds\' studies' : '';
  if (failed.length > 0) {
    const { t, fold } = failed[0];
    out.push(`${failed.length} of ${trials} trials failed${across}; the first (${fold !== undefined ? `fold ${fold}, ` : ''}#${t.number}): ${(t.reason ?? 'no reason given').split('\n')[0]}`);
  }
  if (late.length > 0) out.push(`${late.length === 1 ? 'a result' : `${late.length} results`} came in after another process of the shared study had given up on the trial: ${late[0]}${late.length > 1 ? ` (and ${late.length - 1} more, each said on stderr as it came)` : ''}`);
  if (withdrawn > 0) out.push(`${withdrawn} of the ${sampler} sampler's proposals${across} broke the space's constraints and were not run (${brokenCounts(constraints)}); the sampler was told they failed and asked again`);
  return out;
}

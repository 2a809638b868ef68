/**
 * Notes that another process of a shared study failed one of this process's running trials as
 * stale (this one stopped beating for the grace period: paused?) and what became of its result
 * (trial_heartbeat.py; the Optuna bridge's and the ledger's late results): at once on stderr, and
 * in `into`, which the study's result carries (StudyResult.lateResults) for its warnings.
 */
export function noteLateResult(trial: string, fate: string, into: string[]): void {
  const note = `${trial} was failed as stale by another process while this one ran it (no heartbeat for the grace period: was this process paused?); ${fate}`;
  into.push(note);
  process.stderr.write(`lockstep: ${note}\n`);
}

/**
 * Says on stderr that another process of a shared study failed one of this process's running
 * trials as stale (this one stopped beating for the grace period: paused?) and what became of
 * its result (trial_heartbeat.py; the Optuna bridge's and the ledger's late results).
 */
export function noteLateResult(trial: string, fate: string): void {
  process.stderr.write(`lockstep: ${trial} was failed as stale by another process while this one ran it (no heartbeat for the grace period: was this process paused?); ${fate}\n`);
}

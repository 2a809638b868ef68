import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The lock file of a running session, in its folder. */
export const LOCK_FILE = 'session.lock';

/** What a running session's lock file holds. */
export interface SessionLock {
  readonly sessionId: string;
  readonly pid: number;
  /** The process's start time (Linux: clock ticks after boot, /proc/PID/stat field 22): tells a reused pid apart. */
  readonly startTime: string | null;
  readonly started: string;
}

/** A process's start time, or null where /proc is not there (or the process is gone). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Registers this process as the session of `dir` (written whole: a reader never sees half a file). */
export function writeSessionLock(dir: string): SessionLock {
  const lock: SessionLock = { sessionId: basename(dir), pid: process.pid, startTime: processStartTime(process.pid), started: new Date().toISOString() };
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(lock));
  renameSync(tmp, join(dir, LOCK_FILE));
  return lock;
}

export function removeSessionLock(dir: string): void {
  rmSync(join(dir, LOCK_FILE), { force: true });
}

/**
 * Sessions still running under `reports`: a lock file whose process is alive and is the
 * same process (its start time matches, so a reused pid is never signalled). Torn or
 * stale lock files are skipped with a warning.
 */
export function runningSessions(reports: string, warn: (s: string) => void): Array<SessionLock & { dir: string }> {
  if (!existsSync(reports)) return [];
  const out: Array<SessionLock & { dir: string }> = [];
  for (const name of readdirSync(reports)) {
    const dir = join(reports, name);
    const file = join(dir, LOCK_FILE);
    if (!existsSync(file)) continue;
    let lock: SessionLock;
    try {
      lock = JSON.parse(readFileSync(file, 'utf8')) as SessionLock;
      if (!Number.isInteger(lock.pid) || lock.pid <= 0) throw new Error('no pid');
    } catch {
      warn(`skipped ${file}: not a readable lock file`);
      continue;
    }
    if (!alive(lock.pid) || (lock.startTime !== null && processStartTime(lock.pid) !== lock.startTime)) {
      warn(`skipped ${file}: stale (process ${lock.pid} is gone or is another process now)`);
      continue;
    }
    out.push({ ...lock, dir });
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

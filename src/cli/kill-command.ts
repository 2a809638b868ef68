import { resolve } from 'node:path';
import { runningSessions } from '../live/session-lock.ts';
import { parseFlags } from './parse-flags.ts';

export const KILL_HELP = `lockstep kill [SESSION] [--reports DIR]

Trips the kill switch of running paper/live sessions under DIR (default reports): every
session, or only SESSION (its folder name, e.g. live-20261130T101500). Each gets SIGTERM,
cancels all its open orders, applies its onKill policy and ends. Sessions are found by
their lock files (pid + process start time + session id): a torn or stale lock file (the
process is gone, or its pid now belongs to another process) is skipped with a warning.`;

export async function killCommand(argv: string[], out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const { values, positionals } = parseFlags(argv, { reports: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'kill');
  if (values.help) {
    out(KILL_HELP);
    return 0;
  }
  const wanted = positionals[0];
  const sessions = runningSessions(resolve(values.reports ?? 'reports'), (w) => err(`lockstep kill: ${w}`))
    .filter((s) => wanted === undefined || s.sessionId === wanted);
  for (const s of sessions) {
    process.kill(s.pid, 'SIGTERM');
    out(`kill switch sent to session ${s.dir} (pid ${s.pid})`);
  }
  if (sessions.length === 0) {
    out(wanted ? `no running session ${wanted} found` : 'no running session found');
    return wanted ? 1 : 0;
  }
  return 0;
}

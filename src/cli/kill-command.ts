import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFlags } from './parse-flags.ts';

export const KILL_HELP = `lockstep kill [--reports DIR]

Trips the kill switch of every running paper/live session recorded under DIR (default
reports): each gets SIGTERM, cancels all its open orders, halts its strategy and ends.`;

/** Sessions still running: a session.json with a live pid and no summary.json yet. */
export function runningSessions(reports: string): { dir: string; pid: number }[] {
  if (!existsSync(reports)) return [];
  const out: { dir: string; pid: number }[] = [];
  for (const name of readdirSync(reports)) {
    const dir = join(reports, name);
    const f = join(dir, 'session.json');
    if (!existsSync(f) || existsSync(join(dir, 'summary.json'))) continue;
    const pid = Number((JSON.parse(readFileSync(f, 'utf8')) as { pid?: number }).pid);
    try {
      process.kill(pid, 0);
      out.push({ dir, pid });
    } catch {
      // not running any more
    }
  }
  return out;
}

export async function killCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseFlags(argv, { reports: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'kill');
  if (values.help) {
    out(KILL_HELP);
    return 0;
  }
  const sessions = runningSessions(resolve(values.reports ?? 'reports'));
  for (const s of sessions) {
    process.kill(s.pid, 'SIGTERM');
    out(`kill switch sent to session ${s.dir} (pid ${s.pid})`);
  }
  if (sessions.length === 0) out('no running session found');
  return 0;
}

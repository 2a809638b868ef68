import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { killCommand } from '../cli/kill-command.ts';
import { LOCK_FILE, processStartTime, runningSessions, writeSessionLock } from './session-lock.ts';

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => { for (const c of children) c.kill('SIGKILL'); });

/** A child process standing in for a running session: it exits 0 on SIGTERM. */
async function fakeSession(): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('up')"]);
  children.push(c);
  await new Promise((res) => c.stdout!.once('data', res));
  return c;
}

function lockFor(reports: string, id: string, lock: object | string): void {
  mkdirSync(join(reports, id), { recursive: true });
  writeFileSync(join(reports, id, LOCK_FILE), typeof lock === 'string' ? lock : JSON.stringify(lock));
}

const exited = (c: ChildProcess) => new Promise<number | null>((res) => (c.exitCode !== null ? res(c.exitCode) : c.once('exit', (code) => res(code))));

describe('session lock files', () => {
  it('hold pid, process start time and session id; the start time is /proc/PID/stat field 22', () => {
    const dir = join(tmp.dir, 'own', 'live-20261130T100000');
    mkdirSync(dir, { recursive: true });
    const lock = writeSessionLock(dir);
    expect(lock.sessionId).toBe('live-20261130T100000');
    expect(lock.pid).toBe(process.pid);
    // field 22 of /proc/PID/stat, found a second way: a regex anchored on the last ')' (the command name may hold one)
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const field22 = /\) (?:\S+ ){19}(\d+) /.exec(stat.slice(stat.lastIndexOf(')')))![1];
    expect(processStartTime(process.pid)).toBe(field22);
    const found = runningSessions(join(tmp.dir, 'own'), () => {});
    expect(found.map((s) => s.sessionId)).toEqual(['live-20261130T100000']);
  });

  it('torn, stale and reused-pid lock files are skipped with a warning; only the live one is signalled', async () => {
    const reports = join(tmp.dir, 'reports');
    const real = await fakeSession();
    const other = await fakeSession();
    lockFor(reports, 'live-torn', '{"sessionId": "live-torn", "pid": 12');
    lockFor(reports, 'live-gone', { sessionId: 'live-gone', pid: 2 ** 22 + 7, startTime: '1', started: '' });
    // the pid of a running process, but not the process that wrote the lock (its start time differs)
    lockFor(reports, 'live-reused', { sessionId: 'live-reused', pid: other.pid, startTime: '1', started: '' });
    lockFor(reports, 'live-real', { sessionId: 'live-real', pid: real.pid, startTime: processStartTime(real.pid!), started: '' });
    const out: string[] = [];
    const err: string[] = [];
    const code = await killCommand(['--reports', reports], (s) => out.push(s), (s) => err.push(s));
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/skipped .*live-torn.*not a readable lock file/);
    expect(err.join('\n')).toMatch(/skipped .*live-gone.*stale/);
    expect(err.join('\n')).toMatch(/skipped .*live-reused.*stale/);
    expect(out).toEqual([expect.stringMatching(/kill switch sent to session .*live-real \(pid \d+\)/)]);
    expect(await exited(real)).toBe(0);
    expect(other.exitCode).toBeNull(); // the process behind the reused pid was not signalled
  });

  it('kill SESSION signals that session only; an unknown id exits 1', async () => {
    const reports = join(tmp.dir, 'by-id');
    const a = await fakeSession();
    const b = await fakeSession();
    lockFor(reports, 'live-a', { sessionId: 'live-a', pid: a.pid, startTime: processStartTime(a.pid!), started: '' });
    lockFor(reports, 'live-b', { sessionId: 'live-b', pid: b.pid, startTime: processStartTime(b.pid!), started: '' });
    const out: string[] = [];
    expect(await killCommand(['live-b', '--reports', reports], (s) => out.push(s))).toBe(0);
    expect(await exited(b)).toBe(0);
    expect(a.exitCode).toBeNull();
    expect(await killCommand(['live-zzz', '--reports', reports], (s) => out.push(s))).toBe(1);
    expect(out.at(-1)).toBe('no running session live-zzz found');
    expect(a.exitCode).toBeNull();
  });
});

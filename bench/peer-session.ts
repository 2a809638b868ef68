import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jsonArgsAsFiles, PYTHON } from './backtrader-peer.ts';

/** A peer kept up between its runs: one JSON line when ready, one per `run` line on stdin, one after `exit` (or stdin's end). Arguments that are JSON arrays reach it as files. */
export interface PeerSession {
  /** The line it printed once ready (its warm-up: imports, JIT compilation). */
  readonly ready: Record<string, number>;
  run(): Promise<Record<string, unknown>>;
  /** Ends the process; the line it printed last (e.g. its peak RSS). */
  close(): Promise<Record<string, number>>;
}

/**
 * Starts a peer's Python script (written to a temporary folder, the peer's tree on
 * PYTHONPATH) and waits for its ready line: the caller then times its own runs between the
 * peer's, so both sides of each comparison run within seconds of each other on a machine
 * whose speed drifts.
 */
export async function openPeerSession(name: string, source: string, args: readonly string[], pythonPath: string): Promise<PeerSession> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-peer-'));
  const script = join(dir, name);
  writeFileSync(script, source);
  return openLineSession(name, PYTHON, [script, ...jsonArgsAsFiles(dir, args)], { ...process.env, PYTHONPATH: pythonPath }, () => rmSync(dir, { recursive: true, force: true }));
}

/** Starts a Node script that speaks the same line protocol (e.g. bench/engine-session.mjs) and waits for its ready line. */
export function openNodeSession(script: string, args: readonly string[], nodeFlags: readonly string[]): Promise<PeerSession> {
  return openLineSession(script, process.execPath, [...nodeFlags, script, ...args], process.env, () => {});
}

async function openLineSession(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, cleanUp: () => void): Promise<PeerSession> {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  child.on('error', (e) => { stderr += `\n${e.message}`; }); // could not start: stdout ends, next() says why
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, number>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${name} ended early: ${stderr}`);
    return JSON.parse(value as string) as Record<string, number>;
  };
  const ended = new Promise<void>((resolve) => child.on('close', () => { cleanUp(); resolve(); }));
  const ready = await next();
  return {
    ready,
    run: async () => {
      child.stdin.write('run\n');
      return next();
    },
    close: async () => {
      child.stdin.end('exit\n');
      const last = await next();
      await ended;
      return last;
    },
  };
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ConfigError, LockstepError } from '../core/errors.ts';

const INSTALL = 'install it with: sudo apt-get install python3-optuna (./scripts/setup.sh does this)';

/** Debian's Python when present (Optuna comes from Debian's python3-optuna), else python3 on PATH. */
export function bridgePython(): string {
  return process.env.LOCKSTEP_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** Error from an Optuna child process (crash, protocol error, Optuna exception). */
export class OptunaError extends LockstepError {
  constructor(message: string) {
    super('optuna', message);
    this.name = 'OptunaError';
  }
}

/** Started children waiting for their next user, one at most per Python and script (see `take`). */
const idle = new Map<string, PythonChild>();

/**
 * A Python script spoken to in JSON lines over stdin/stdout, one answer per request (the
 * Optuna bridge, the shared trial ledger). The child's crash rejects every pending request
 * with its exit status and the tail of its stderr, rather than hanging; a missing Python
 * module is a ConfigError naming the package to install.
 */
export class PythonChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Array<{ resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  private buffer = '';
  private stderr = '';
  private dead: Error | null = null;
  /** The `idle` key of this child: its Python and script. */
  private readonly key: string;

  /**
   * A started child of `script` for a new user: the idle one another user released (its
   * script must take a new user's first request as a fresh start, as the Optuna bridge's
   * `init` does), else a new process. Starting Python and importing Optuna takes ~0.9 s,
   * and starting any process makes every page this one has written copy-on-write, so a
   * walk-forward's folds share one child instead of starting one each.
   */
  static take(script: string): PythonChild {
    const key = childKey(script);
    const c = idle.get(key);
    idle.delete(key);
    if (c === undefined || c.dead !== null) return new PythonChild(script);
    c.hold();
    return c;
  }

  /** Starts an idle child of `script` now (unless one waits already): before a pool's workers grow this process's memory. */
  static prestart(script: string): void {
    const c = idle.get(childKey(script));
    if (c === undefined || c.dead !== null) new PythonChild(script).release();
  }

  constructor(script: string) {
    const python = bridgePython();
    this.key = childKey(script);
    this.child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-4000); });
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      this.fail(e.code === 'ENOENT'
        ? new ConfigError(`Python not found (${python}): install Debian's python3 and python3-optuna (./scripts/setup.sh), or set LOCKSTEP_PYTHON`)
        : new OptunaError(`cannot start ${python}: ${e.message}`));
    });
    // 'close' (not 'exit'): fires after stderr is drained, so the message carries its tail.
    this.child.on('close', (code, signal) => {
      if (this.dead) return;
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
      this.fail(new OptunaError(`the Optuna process exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`));
    });
    this.child.stdin.on('error', () => {}); // reported through 'close'
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(msg)}\n`);
    });
  }

  /**
   * This user is done: the child waits idle for the next `take` (without holding this
   * process open: it ends when this process does, at the end of its stdin), or ends now when
   * it is dead, still answering, or another child of its script waits already.
   */
  release(): void {
    const other = idle.get(this.key);
    if (this.dead !== null || this.pending.length > 0 || (other !== undefined && other !== this && other.dead === null)) {
      void this.close();
      return;
    }
    for (const handle of this.handles()) handle.unref();
    idle.set(this.key, this);
  }

  /** Holds this process open again while the child has a user. */
  private hold(): void {
    for (const handle of this.handles()) handle.ref();
  }

  /** The process and its pipes (sockets: each keeps this process open while referenced). */
  private handles(): Array<{ ref(): unknown; unref(): unknown }> {
    const c = this.child;
    return [c, c.stdin as unknown as Socket, c.stdout as unknown as Socket, c.stderr as unknown as Socket];
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.request({ op: 'close' });
    } catch {
      // already gone
    }
    this.dead = new OptunaError('closed');
    this.child.kill();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      const p = this.pending.shift();
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        p?.reject(new OptunaError(`unreadable line from the Optuna process: ${line.slice(0, 200)}`));
        continue;
      }
      if (msg.ok === true) p?.resolve(msg);
      else if (msg.missing) {
        const e = new ConfigError(`Optuna is not available to ${bridgePython()} (missing Python module ${String(msg.missing)}): ${INSTALL}`);
        p?.reject(e);
        this.fail(e);
      }
      else p?.reject(new OptunaError(`Optuna: ${String(msg.error)}`));
    }
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}

function childKey(script: string): string {
  return `${bridgePython()}\0${script}`;
}

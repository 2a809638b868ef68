import type { Engine } from '../engine/engine.ts';

/** The figures a status line shows, from the engine. */
export function statusText(engine: Engine): string {
  const p = engine.portfolio;
  const kill = engine.killReport();
  return [
    `equity ${p.equity().toFixed(2)}`, `cash ${p.cash.toFixed(2)}`, `position ${p.position(0)}`,
    `open orders ${engine.openOrders().length}`, `fills ${engine.fills.length}`, `fees ${p.fees.toFixed(4)}`,
    ...(kill ? [`KILLED (${kill.reason})`] : []),
  ].join(', ');
}

/**
 * A session's status every N seconds on stderr: refreshed in place on a terminal (log
 * lines print above it), one line each time otherwise (logs, CI).
 */
export class StatusLine {
  private timer: NodeJS.Timeout | null = null;
  private shown = '';
  private readonly tty: boolean;

  constructor(private readonly everySeconds: number, private readonly err: (s: string) => void, tty = process.stderr.isTTY === true) {
    this.tty = tty;
  }

  /** Prints a line (a log record) without tearing the status line. */
  print(line: string): void {
    if (!this.tty || this.shown === '') {
      this.err(line);
      return;
    }
    process.stderr.write(`\r\x1b[2K${line}\n${this.shown}`);
  }

  /** Starts showing the engine's status. */
  follow(engine: Engine): void {
    if (this.everySeconds <= 0) return;
    this.timer = setInterval(() => this.show(`status: ${statusText(engine)}`), this.everySeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty && this.shown !== '') process.stderr.write('\n');
    this.shown = '';
  }

  private show(line: string): void {
    if (!this.tty) {
      this.err(line);
      return;
    }
    this.shown = line;
    process.stderr.write(`\r\x1b[2K${line}`);
  }
}

import type { Micros } from '../core/time.ts';

export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevelName = keyof typeof LogLevel;

/** One log line, stamped with engine time (simulated in replay). */
export interface LogRecord {
  /** Engine time of the message. */
  readonly ts: Micros;
  readonly level: LogLevelName;
  readonly message: string;
  /** Structured fields. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Strategy-facing logger. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Keeps log records in memory (capped, counting what it drops) and forwards them to an
 * optional sink; the CLI decides whether and where they are printed.
 */
export class MemoryLogger implements Logger {
  readonly records: LogRecord[] = [];
  /** Records not kept because the cap was reached. */
  dropped = 0;

  constructor(
    private readonly now: () => Micros,
    private readonly minLevel: LogLevelName = 'info',
    private readonly cap = 10_000,
    private readonly sink?: (r: LogRecord) => void,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void { this.log('debug', message, fields); }
  info(message: string, fields?: Record<string, unknown>): void { this.log('info', message, fields); }
  warn(message: string, fields?: Record<string, unknown>): void { this.log('warn', message, fields); }
  error(message: string, fields?: Record<string, unknown>): void { this.log('error', message, fields); }

  private log(level: LogLevelName, message: string, fields?: Record<string, unknown>): void {
    if (LogLevel[level] < LogLevel[this.minLevel]) return;
    const r: LogRecord = fields === undefined ? { ts: this.now(), level, message } : { ts: this.now(), level, message, fields };
    if (this.records.length < this.cap) this.records.push(r);
    else this.dropped++;
    this.sink?.(r);
  }
}

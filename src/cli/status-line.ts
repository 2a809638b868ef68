import type { Engine } from '../engine/engine.ts';
import type { FeedStatus } from '../engine/session-parts.ts';

/** Trading state as the status line shows it. */
function riskState(engine: Engine): string {
  const kill = engine.killReport();
  if (kill) {
    const open = Object.entries(kill.openPositions).map(([id, q]) => `${id} ${q}`).join(', ');
    return `KILLED (${kill.reason}; left open: ${open || 'nothing'})`;
  }
  return engine.pausedReason === null ? 'active' : `paused (${engine.pausedReason})`;
}

/** One status line: uptime, events/s, position, open orders, P&L, tick-to-trade, feed lag, risk state. */
export function statusText(engine: Engine, feed: FeedStatus | null, eventsPerSecond: number): string {
  const p = engine.portfolio;
  const pnl = p.equity() - p.initialCash;
  const parts = feed ? [`up ${feed.uptimeSeconds.toFixed(0)} s`, `${eventsPerSecond.toFixed(0)} ev/s`] : [];
  parts.push(`position ${p.position(0)}`, `open orders ${engine.openOrders().length}`, `fills ${engine.fillLog.length}`,
    `P&L ${pnl >= 0 ? '+' : ''}${pnl.toFixed(2)} (fees ${p.fees.toFixed(2)})`);
  if (feed) {
    parts.push(`tick-to-trade ${Number.isNaN(feed.lastTickToTradeMicros) ? '-' : `${feed.lastTickToTradeMicros.toFixed(0)} µs`}`, `feed lag ${feed.feedLagMillis.toFixed(0)} ms`);
  }
  parts.push(`risk ${riskState(engine)}`);
  return parts.join(', ');
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

  /** Starts showing the engine's status (with the feed's figures when given). */
  follow(engine: Engine, feed: () => FeedStatus | null = () => null): void {
    if (this.everySeconds <= 0) return;
    let last = { events: 0, at: Date.now() };
    this.timer = setInterval(() => {
      const f = feed();
      const now = Date.now();
      const rate = f ? ((f.events - last.events) * 1000) / Math.max(1, now - last.at) : 0;
      last = { events: f?.events ?? 0, at: now };
      this.show(`status: ${statusText(engine, f, rate)}`);
    }, this.everySeconds * 1000);
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

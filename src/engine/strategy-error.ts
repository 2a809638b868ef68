import { fileURLToPath } from 'node:url';
import { LockstepError } from '../core/errors.ts';
import { isoFromMicros } from '../core/time.ts';

/** Lockstep's own source folder: stack frames in it are ours, not the strategy's. */
const OWN = fileURLToPath(new URL('..', import.meta.url));

/**
 * An exception thrown by strategy code: names the strategy, the callback, the event time
 * and the strategy's own stack frames (Lockstep's and Node's are left out). The run is
 * failed and nothing of it is saved.
 */
export class StrategyError extends LockstepError {
  constructor(readonly strategy: string, readonly callback: string, readonly eventTime: number, override readonly cause: Error, readonly frames: readonly string[]) {
    const when = Number.isFinite(eventTime) && eventTime > 0 ? ` at event time ${isoFromMicros(eventTime)}` : '';
    super('strategy', `strategy ${strategy} failed in ${callback}${when}: ${cause.message}${frames.map((f) => `\n    at ${f}`).join('')}`);
    this.name = 'StrategyError';
  }
}

/** Engine functions that call a strategy, and the callback each one calls. */
const CALLERS: Record<string, string> = { start: 'onStart', stop: 'onStop', fireTimer: 'onTimer', buildEngine: 'create', warmUp: 'onBar (warm-up)' };

/**
 * `e` as a StrategyError when its stack starts in strategy code (a frame outside Lockstep's
 * source, node_modules and Node itself); anything else unchanged.
 */
export function asStrategyError(e: unknown, strategy: string, eventTime: number): unknown {
  if (!(e instanceof Error) || e instanceof LockstepError) return e;
  const lines = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).map((l) => l.trim().slice(3));
  const isUser = (f: string) => !f.includes(OWN) && !f.includes('/node_modules/') && !f.includes('node:') && /[/\\]/.test(f);
  const first = lines.findIndex(isUser);
  if (first < 0) return e;
  let end = first;
  while (end < lines.length && (isUser(lines[end]) || !lines[end].includes(OWN))) end++;
  const caller = lines[end] ? /^(?:[\w$]+\.)*([\w$]+) \(/.exec(lines[end])?.[1] : undefined;
  const callback = caller === undefined ? 'a callback' : CALLERS[caller] ?? (/^on[A-Z]/.test(caller) ? caller : 'a callback');
  return new StrategyError(strategy, callback, eventTime, e, lines.slice(first, end).filter(isUser));
}

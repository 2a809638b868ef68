import type { Logger } from '../engine/logger.ts';
import { CcxtFailure, classifyCcxtError } from './ccxt-errors.ts';

/**
 * The requests a live execution client has in flight at its venue, and whether the venue
 * answers: commands (submit, cancel, replace, reconcile) are counted, so that a venue gone
 * quiet while a command waits can be told from a quiet market with orders merely resting;
 * polls and background reads are followed but not counted. Errors that are not ccxt's are
 * bugs: `classify` rethrows them, and a request that fails with one is reported through
 * `onInternalError`, never turned into a venue answer.
 */
export class VenueRequests {
  /** Wall time (ms) of the last answer from the venue's REST API, of any kind. */
  lastContact = Date.now();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Commands still working, polls not counted. */
  private commands = 0;
  /** When the commands now in flight started waiting (the first of them). */
  private waitingSince = 0;

  constructor(
    private readonly log: Logger,
    private readonly onInternalError: (e: unknown) => void,
  ) {}

  /** The venue answered (any answer, a refusal too). */
  answered(): void {
    this.lastContact = Date.now();
  }

  /** Classifies a ccxt error (a refusal counts as an answer); anything else is a bug and is rethrown. */
  classify(e: unknown): CcxtFailure {
    const f = classifyCcxtError(e);
    if (f === null) throw e;
    if (f !== CcxtFailure.unknown) this.answered();
    return f;
  }

  /** Starts a request, followed until it ends; `command` false for polls and background reads. */
  run(fn: () => Promise<unknown>, command = true): void {
    if (command && this.commands++ === 0) this.waitingSince = Date.now();
    const p = fn().catch((e: unknown) => {
      // Not a venue answer: a bug in Lockstep. Fail loudly, outside this promise chain.
      this.log.error('live order routing failed with an internal error', { error: String(e) });
      this.onInternalError(e);
    }).finally(() => {
      this.inflight.delete(p);
      if (command) this.commands--;
    });
    this.inflight.add(p);
  }

  /**
   * How long the venue has not answered while commands wait for it (ms; 0 when none does).
   * Orders merely resting are not waiting: a quiet market with quotes up is not an outage.
   */
  silentMillis(): number {
    return this.commands > 0 ? Math.max(0, Date.now() - Math.max(this.lastContact, this.waitingSince)) : 0;
  }

  /** True when no command is still working (polls aside). */
  get idle(): boolean {
    return this.commands === 0;
  }

  /** Requests still in flight, polls included. */
  get pending(): number {
    return this.inflight.size;
  }

  /** Waits until every request in flight now has ended (those they start meanwhile not awaited). */
  async current(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }
}

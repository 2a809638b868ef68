import { InvalidOrder, RequestTimeout } from 'ccxt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../engine/logger.ts';
import { CcxtFailure } from './ccxt-errors.ts';
import { VenueRequests } from './venue-requests.ts';

function pending(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('VenueRequests', () => {
  afterEach(() => vi.useRealTimers());

  it('counts the silence from the later of the last answer and the first waiting command; polls do not count', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const r = new VenueRequests(new MemoryLogger(() => 0), () => {});
    const poll = pending();
    r.run(() => poll.promise, false);
    vi.setSystemTime(10_400);
    expect([r.silentMillis(), r.idle, r.pending]).toEqual([0, true, 1]); // only a poll in flight
    const cmd = pending();
    r.run(() => cmd.promise); // waits from 10,400; the last answer was at 10,000 (construction)
    vi.setSystemTime(10_700);
    expect([r.silentMillis(), r.idle]).toEqual([300, false]);
    r.answered(); // 10,700
    vi.setSystemTime(10_750);
    expect(r.silentMillis()).toBe(50);
    cmd.resolve();
    poll.resolve();
    await r.current();
    expect([r.silentMillis(), r.idle, r.pending]).toEqual([0, true, 0]);
  });

  it('a refusal is an answer, a timeout is not; an error that is not ccxt\'s is rethrown', () => {
    vi.useFakeTimers({ now: 5_000 });
    const r = new VenueRequests(new MemoryLogger(() => 0), () => {});
    vi.setSystemTime(6_000);
    expect(r.classify(new RequestTimeout('slow'))).toBe(CcxtFailure.unknown);
    expect(r.lastContact).toBe(5_000);
    expect(r.classify(new InvalidOrder('bad price'))).toBe(CcxtFailure.refused);
    expect(r.lastContact).toBe(6_000);
    const bug = new TypeError('x is undefined');
    expect(() => r.classify(bug)).toThrow(bug);
  });

  it('a request that fails with a bug reports it to onInternalError and the log, and ends', async () => {
    const seen: unknown[] = [];
    const log = new MemoryLogger(() => 0);
    const r = new VenueRequests(log, (e) => seen.push(e));
    const bug = new Error('invariant broken');
    r.run(async () => { throw bug; });
    await r.current();
    expect(seen).toEqual([bug]);
    expect(log.records.map((x) => [x.level, x.message])).toEqual([['error', 'live order routing failed with an internal error']]);
    expect([r.idle, r.pending]).toEqual([true, 0]);
  });
});

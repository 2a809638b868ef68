import { describe, expect, it } from 'vitest';
import { applyVenueEvent, cancelBlocked, displayStatus, replaceBlocked, VenueEventKind, type LifecycleState } from './order-lifecycle.ts';
import { OrderStatus } from './order.ts';

const fresh = (): LifecycleState => ({ working: OrderStatus.submitted, pendingUpdate: false, pendingCancel: false });

/** Plays venue events (and local requests, as 'cancel!' / 'replace!') and returns the status after each. */
function play(steps: string[]): string[] {
  const s = fresh();
  return steps.map((step) => {
    if (step === 'cancel!') s.pendingCancel = true;
    else if (step === 'replace!') s.pendingUpdate = true;
    else {
      const [kind, flag] = step.split(':');
      const outcome = applyVenueEvent(s, kind as VenueEventKind, flag === 'complete');
      if (outcome !== 'ok') return outcome;
    }
    return displayStatus(s);
  });
}

describe('order lifecycle (venue event sequences from real exchange behaviour)', () => {
  it('an ordinary order: submitted → accepted → partially filled → filled', () => {
    expect(play(['accepted', 'fill', 'fill:complete'])).toEqual(['accepted', 'partially-filled', 'filled']);
  });

  it('a cancel that loses the race against a fill: the fill applies, the late refusal changes nothing', () => {
    expect(play(['accepted', 'cancel!', 'fill:complete', 'cancel-rejected'])).toEqual(['accepted', 'pending-cancel', 'filled', 'late']);
  });

  it('a partial fill while a cancel travels keeps the order pending-cancel, then cancelled', () => {
    expect(play(['accepted', 'cancel!', 'fill', 'cancelled'])).toEqual(['accepted', 'pending-cancel', 'pending-cancel', 'cancelled']);
  });

  it('a cancel sent before the acknowledgement: accepted while pending, then cancelled', () => {
    expect(play(['cancel!', 'accepted', 'cancelled'])).toEqual(['pending-cancel', 'pending-cancel', 'cancelled']);
  });

  it('a replace refused by the venue returns to the working status; one accepted returns too', () => {
    expect(play(['accepted', 'fill', 'replace!', 'update-rejected'])).toEqual(['accepted', 'partially-filled', 'pending-update', 'partially-filled']);
    expect(play(['accepted', 'replace!', 'fill', 'updated'])).toEqual(['accepted', 'pending-update', 'pending-update', 'partially-filled']);
  });

  it('a stop-limit: triggered, then fills; the venue may refuse it when it triggers', () => {
    expect(play(['accepted', 'triggered', 'fill:complete'])).toEqual(['accepted', 'triggered', 'filled']);
    expect(play(['accepted', 'triggered', 'rejected'])).toEqual(['accepted', 'triggered', 'rejected']);
  });

  it('IOC remainders and DAY orders expire from any working status', () => {
    expect(play(['accepted', 'fill', 'expired'])).toEqual(['accepted', 'partially-filled', 'expired']);
    expect(play(['expired'])).toEqual(['expired']);
  });

  it('refuses transitions no venue can produce', () => {
    expect(play(['accepted', 'accepted'])).toEqual(['accepted', 'illegal']);
    expect(play(['fill:complete', 'fill'])).toEqual(['filled', 'illegal']);
    expect(play(['accepted', 'fill', 'triggered'])).toEqual(['accepted', 'partially-filled', 'illegal']);
    expect(play(['accepted', 'updated'])).toEqual(['accepted', 'illegal']); // no replace was sent
    expect(play(['accepted', 'cancel-rejected'])).toEqual(['accepted', 'illegal']); // no cancel was sent
    expect(play(['triggered'])).toEqual(['illegal']); // not acknowledged yet
    expect(play(['cancelled', 'accepted'])).toEqual(['cancelled', 'illegal']);
    expect(play(['rejected', 'fill'])).toEqual(['rejected', 'illegal']);
  });

  it('an order that ended clears its pending requests', () => {
    const s = fresh();
    s.pendingCancel = true;
    s.pendingUpdate = true;
    expect(applyVenueEvent(s, VenueEventKind.fill, true)).toBe('ok');
    expect(s).toEqual({ working: 'filled', pendingUpdate: false, pendingCancel: false });
  });

  it('says when a cancel or a replace may be sent', () => {
    const s = fresh();
    expect(replaceBlocked(s)).toBe('not-acknowledged');
    expect(cancelBlocked(s)).toBeNull();
    s.working = OrderStatus.accepted;
    expect(replaceBlocked(s)).toBeNull();
    s.pendingUpdate = true;
    expect(replaceBlocked(s)).toBe('pending');
    expect(cancelBlocked(s)).toBeNull(); // a cancel may follow a replace
    s.pendingCancel = true;
    expect(cancelBlocked(s)).toBe('pending');
    s.working = OrderStatus.filled;
    expect(cancelBlocked(s)).toBe('not-open');
    expect(replaceBlocked(s)).toBe('not-open');
  });
});

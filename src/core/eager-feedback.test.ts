import { describe, expect, it, vi } from 'vitest';
import { eagerFeedbackFlag } from './eager-feedback.ts';

describe('eagerFeedbackFlag', () => {
  it('turns lazy feedback allocation off unless the process was started with its own value', () => {
    expect(eagerFeedbackFlag([], '')).toBe('--no-lazy-feedback-allocation');
    expect(eagerFeedbackFlag(['--lazy-feedback-allocation'], '')).toBeNull();
    expect(eagerFeedbackFlag(['--no-lazy-feedback-allocation'], '')).toBeNull();
    expect(eagerFeedbackFlag(['--no_lazy_feedback_allocation'], '')).toBeNull();
    expect(eagerFeedbackFlag([], '--enable-source-maps --lazy-feedback-allocation')).toBeNull();
    // Another flag about feedback is not this one: ours is still set.
    expect(eagerFeedbackFlag(['--invocation-count-for-feedback-allocation=8'], '')).toBe('--no-lazy-feedback-allocation');
  });
});

describe('allocateFeedbackEagerly and keepLazyFeedback', () => {
  it('the first engine turns eager allocation on, unless the process kept lazy allocation before it', async () => {
    vi.resetModules();
    const eager = await import('./eager-feedback.ts');
    eager.allocateFeedbackEagerly();
    expect(eager.feedbackEager()).toBe(eager.eagerFeedbackFlag(process.execArgv, process.env.NODE_OPTIONS ?? '') !== null);
    vi.resetModules();
    const lazy = await import('./eager-feedback.ts');
    lazy.keepLazyFeedback();
    lazy.allocateFeedbackEagerly();
    expect(lazy.feedbackEager()).toBe(false);
  });
});
